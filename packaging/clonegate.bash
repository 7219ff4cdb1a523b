# bash completion for clonegate(8)                     -*- shell-script -*-

_clonegate_cgroups()
{
	# The cgroup2 mount: /sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts.
	local root=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo 2>/dev/null)
	root=${root:-/sys/fs/cgroup}
	COMPREPLY=($(compgen -W "$(cd "$root" 2>/dev/null && find . -mindepth 1 -maxdepth 3 -type d 2>/dev/null | sed 's|^\./|/|')" -- "$cur"))
}

_clonegate()
{
	local cur prev words cword
	_init_completion || return

	local profiles="gvisor-21d66119 gvisor-8623c872 linux gvisor-head gvisor-head-cgroup2"
	local i obj= verb= n=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--) [[ $obj == run ]] && { _command_offset $((i + 1)); return; } ;;
		-*) ;;
		*)
			if [[ -z $obj ]]; then obj=${words[i]}
			elif [[ -z $verb ]]; then verb=${words[i]}
			fi ;;
		esac
	done

	case $prev in
	--profile) COMPREPLY=($(compgen -W "$profiles" -- "$cur")); return ;;
	--mode) COMPREPLY=($(compgen -W "enforce audit off" -- "$cur")); return ;;
	--backend) COMPREPLY=($(compgen -W "module bpf" -- "$cur")); return ;;
	--cgroup | --parent-cgroup) _clonegate_cgroups; return ;;
	--output | --events) _filedir; return ;;
	--gvisor-endpoint) _filedir; return ;;
	--fields) COMPREPLY=($(compgen -W "all none time thread_id task_start_time group_id thread_group_start_time container_id credentials cwd process_name" -- "$cur")); return ;;
	--count | --duration | --ring-size) return ;;
	esac

	if [[ -z $obj ]]; then
		COMPREPLY=($(compgen -W "run policy profile status module events version help --json --verbose --help --version" -- "$cur"))
		return
	fi
	case $obj in
	run)
		COMPREPLY=($(compgen -W "--profile --audit --events --parent-cgroup --backend --json --help --" -- "$cur")) ;;
	policy)
		case $verb in
		'') COMPREPLY=($(compgen -W "apply remove list help" -- "$cur")) ;;
		apply) COMPREPLY=($(compgen -W "--global --cgroup --mode --profile --backend --json --help" -- "$cur")) ;;
		remove) COMPREPLY=($(compgen -W "--global --cgroup --backend --help" -- "$cur")) ;;
		list) COMPREPLY=($(compgen -W "--backend --json --help" -- "$cur")) ;;
		esac ;;
	profile)
		case $verb in
		'') COMPREPLY=($(compgen -W "list show validate diff load unload help" -- "$cur")) ;;
		show | diff) COMPREPLY=($(compgen -W "$profiles --json --help" -- "$cur")
			    $(compgen -f -X '!*.profile' -- "$cur")) ;;
		validate | load) COMPREPLY=($(compgen -f -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "--json --help" -- "$cur")) ;;
		esac ;;
	module)
		[[ -z $verb ]] && COMPREPLY=($(compgen -W "load unload help" -- "$cur")) ;;
	status)
		COMPREPLY=($(compgen -W "--json --all --reset --help" -- "$cur")) ;;
	events)
		COMPREPLY=($(compgen -W "--json --output --gvisor-endpoint --fields --count --duration --cgroup --ring-size --help" -- "$cur")) ;;
	version)
		COMPREPLY=($(compgen -W "--json --help" -- "$cur")) ;;
	esac
} &&
	complete -F _clonegate clonegate

# ex: filetype=sh
