# ringlet shell integration for zsh 5.8+.
# Load it from ~/.zshrc:   eval "$(ringlet shell init zsh)"
# Lines starting with #@ are replaced by `ringlet shell init` (src/shell/init.ts).
# Sections match shell/ringlet.bash and shell/ringlet.fish.

# === Settings =============================================================

#@ARGS@

# sysread gives a bounded read of a project file without a subshell.
zmodload -F zsh/system b:sysread 2>/dev/null || :

# === Utility functions ====================================================

# The ringlet CLI, never a function or alias of that name. RINGLET_BIN overrides the binary.
function __ringlet_cli {
    command "${RINGLET_BIN:-ringlet}" "$@"
}

# Removes the alias functions of the previous state (an alias deleted from config.toml must go away).
function __ringlet_unalias {
    emulate -L zsh
    local name
    for name in ${__ringlet_aliases[@]}; do
        builtin unfunction -- $name 2>/dev/null
    done
    return 0
}

# One line per project file until another one is found, so moving around inside a project is quiet.
function __ringlet_hint {
    emulate -L zsh
    if [[ $1 != ${__ringlet_hinted-} ]]; then
        typeset -g __ringlet_hinted=$1
        builtin print -ru2 -- "ringlet: ${(q+)1} $2"
    fi
}

# === Generated state ======================================================
# Directory mapping, allowed project files, aliases and the staleness test. Replaced as a whole by
# __ringlet_reload when config.toml, the allow store or the profiles change.

#@STATE@

# === Hook =================================================================

# Re-reads the state, only when an input is newer than the state's stamp: the one place a process starts.
function __ringlet_reload {
    local state
    if state=$(__ringlet_cli shell init "${__ringlet_args[@]}" --state) && [[ -n $state ]]; then
        builtin eval -- "$state"
    else
        # Stop retrying on every cd; the next `ringlet` command through the shell function tries again.
        typeset -g __ringlet_broken=1
    fi
}

# Picks the profile for $PWD and exports or unsets RINGLET_PROFILE. The nearest allowed project file or
# the longest mapped prefix wins, whichever is deeper. Builtins only: no process, no subshell, and few
# stat() calls, which is what a cd costs here. Inside HOME the walks stop below HOME: project files live
# in projects (HOME-wide is what default-profile is for), and the mapping and allow tables already hold
# both spellings of a symlinked HOME.
function __ringlet_select {
    emulate -L zsh
    local quiet=${1-} dir=$PWD phys=$PWD stop=' ' linked= file= content= name=
    local __ringlet_hit __ringlet_hitdir
    integer len=-1 rc=0
    # stop is where the walks end (excluded); ' ' is no path, so outside HOME they go up to the root.
    if [[ -n ${HOME-} && $HOME != / && ( $PWD == $HOME || $PWD == ${HOME}/* ) ]]; then stop=$HOME; fi
    # A symlink on the way up means the physical path differs: resolve it (realpath, in-process) only then.
    while [[ -n $dir && $dir != $stop ]]; do
        if [[ -L $dir ]]; then linked=1; break; fi
        dir=${dir%/*}
    done
    if [[ -n $linked ]]; then
        phys=${PWD:A} stop=' '
        if [[ -n ${HOME-} && $HOME != / && ( $phys == $HOME || $phys == ${HOME}/* ) ]]; then stop=$HOME; fi
    fi
    if __ringlet_map "$phys/"; then name=$__ringlet_hit len=${#__ringlet_hitdir}; fi
    if [[ $phys != $PWD ]] && __ringlet_map "$PWD/" && (( ${#__ringlet_hitdir} > len )); then
        name=$__ringlet_hit len=${#__ringlet_hitdir}
    fi
    dir=$phys
    while [[ $dir != $stop ]]; do
        if [[ -f ${dir%/}/.ringlet.toml ]]; then file=${dir%/}/.ringlet.toml; break; fi
        if [[ -f ${dir%/}/.ringlet-profile ]]; then file=${dir%/}/.ringlet-profile; break; fi
        if [[ -z $dir || $dir == / ]]; then break; fi
        dir=${dir%/*}
    done
    if [[ -n $file ]]; then
        # An allow or deny in another shell is picked up here, where it matters.
        if [[ -z ${__ringlet_broken-} ]] && __ringlet_stale_allow; then __ringlet_reload; fi
        # Bounded read: a huge file cannot stall the prompt, and anything over the limit never matches.
        builtin sysread -s 4097 content 2>/dev/null <$file || :
        __ringlet_allowed "$file" "$content" || rc=$?
        case $rc in
        (0) typeset -g __ringlet_hinted=; if (( ${#dir} >= len )); then name=$__ringlet_hit; fi ;;
        (1) __ringlet_hint "$file" 'changed since `ringlet allow`; ignored until you run `ringlet allow` again' ;;
        (*) __ringlet_hint "$file" 'is not allowed; run `ringlet allow` to use it' ;;
        esac
    else
        typeset -g __ringlet_hinted=
    fi
    if [[ -n $name ]]; then
        if [[ ${RINGLET_PROFILE-} != $name ]]; then
            builtin export RINGLET_PROFILE=$name
            if [[ -z $quiet && -n ${__ringlet_notify-} ]]; then builtin print -ru2 -- "ringlet: profile $name"; fi
        fi
    elif [[ -n ${RINGLET_PROFILE+x} ]]; then
        if [[ -z $quiet && -n ${__ringlet_notify-} ]]; then builtin print -ru2 -- "ringlet: profile $RINGLET_PROFILE unset"; fi
        builtin unset RINGLET_PROFILE
    fi
    return 0
}

# Brings RINGLET_PROFILE up to date for $PWD. Only config.toml is tested on every cd.
function __ringlet_update {
    typeset -g __ringlet_pwd=$PWD
    if [[ -z ${__ringlet_broken-} ]] && __ringlet_stale_config; then __ringlet_reload; fi
    __ringlet_select "$@"
}

# zsh runs chpwd_functions on every directory change, in scripts too; $? is restored around them.
function __ringlet_hook {
    __ringlet_update
}

if [[ ${chpwd_functions[(Ie)__ringlet_hook]:-0} -eq 0 ]]; then
    chpwd_functions+=(__ringlet_hook)
fi

# === Commands =============================================================

# `ringlet …` through the shell: afterwards every input is re-checked at once, so `ringlet allow` or
# `ringlet alias add` take effect in this shell without waiting for the next cd.
function __ringlet_cmd {
    local rc=0
    __ringlet_cli "$@" || rc=$?
    typeset -g __ringlet_broken=
    if __ringlet_stale_config || __ringlet_stale_allow || __ringlet_stale_profiles; then __ringlet_reload; fi
    __ringlet_update
    return $rc
}

# Aliases ([shell.aliases]): the profile's agent with the arguments as given, a bare prompt included.
# A profile created or removed since the state was built changes what runs, so that is tested here.
function __ringlet_alias {
    local name=$1 __ringlet_hit= __ringlet_agent=
    shift
    if [[ -z ${__ringlet_broken-} ]] && { __ringlet_stale_config || __ringlet_stale_profiles }; then __ringlet_reload; fi
    if ! __ringlet_alias_target "$name"; then
        builtin print -ru2 -- "ringlet: alias $name no longer exists"
        return 127
    fi
    if [[ -z $__ringlet_agent ]]; then
        builtin print -ru2 -- "ringlet: alias $name: profile \"$__ringlet_hit\" does not exist (ringlet profiles list)"
        return 3
    fi
    __ringlet_cli profiles run "$__ringlet_hit" -- "$__ringlet_agent" "$@"
}

# Wrapped agents (--wrap): the selected profile's environment when there is one, the plain binary otherwise.
function __ringlet_wrap {
    if [[ ${__ringlet_pwd-} != $PWD ]]; then __ringlet_update; fi
    if [[ -n ${RINGLET_PROFILE-} ]]; then
        __ringlet_cli profiles run "$RINGLET_PROFILE" -- "$@"
    else
        command "$@"
    fi
}

#@COMMAND@

#@WRAPPERS@

# === Completions ==========================================================

#@COMPLETIONS@

# compdef exists only after compinit; if .zshrc runs compinit later, register at the first prompt.
function __ringlet_compdef {
    if (( $+functions[compdef] )); then
        compdef _ringlet ringlet $__ringlet_cmdname
        precmd_functions=(${precmd_functions:#__ringlet_compdef})
    fi
}
__ringlet_compdef
if (( ! $+functions[compdef] )) && [[ ${precmd_functions[(Ie)__ringlet_compdef]:-0} -eq 0 ]]; then
    precmd_functions+=(__ringlet_compdef)
fi

# === Start ================================================================

__ringlet_update quiet
