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

# The directory cache: $PWD -> k, and per k a function __ringlet_c<k> that answers for that directory
# when nothing its answer depends on changed, and returns 1 otherwise (__ringlet_c, for no k, always
# does). Emptied whenever the state is (re)loaded.
typeset -gA __ringlet_ci
function __ringlet_cache_reset {
    typeset -gA __ringlet_ci=()
    typeset -g __ringlet_ck=0
}
function __ringlet_c {
    return 1
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

# Finds the nearest project file from the physical $PWD up, for __ringlet_update when the way up holds a
# symlink: sets its p, s, f and fd (zsh functions see their caller's locals). :A is realpath(3),
# in-process.
function __ringlet_walk_physical {
    p=${PWD:A} s=' ' f= fd=
    if [[ $p == ${HOME-} || $p == ${HOME-}/* ]]; then s=${HOME-}; fi
    local d=${p%/}
    while [[ -n $d && $d != $s ]]; do
        if [[ -f $d/.ringlet.toml ]]; then f=$d/.ringlet.toml fd=$d; return; fi
        if [[ -f $d/.ringlet-profile ]]; then f=$d/.ringlet-profile fd=$d; return; fi
        d=${d%/*}
    done
    if [[ -z $d && $s == ' ' ]]; then
        if [[ -f /.ringlet.toml ]]; then f=/.ringlet.toml; elif [[ -f /.ringlet-profile ]]; then f=/.ringlet-profile; fi
    fi
}

# Trusts the project file $f only as __ringlet_allowed says; sets n (the profile) when it is allowed and
# deeper than the mapping, and hints once otherwise.
function __ringlet_project {
    local content=
    integer rc=0
    # An allow or deny in another shell is picked up here, where it matters.
    if [[ -z ${__ringlet_broken-} ]] && __ringlet_stale_allow; then __ringlet_reload; fi
    # Bounded read: a huge file cannot stall the prompt, and anything over the limit never matches.
    builtin sysread -s 4097 content 2>/dev/null <$f || :
    __ringlet_allowed "$f" "$content" || rc=$?
    case $rc in
    (0) typeset -g __ringlet_hinted=; if (( ${#fd} >= l )); then n=$__ringlet_hit; fi ;;
    (1) __ringlet_hint "$f" 'changed since `ringlet allow`; ignored until you run `ringlet allow` again' ;;
    (*) __ringlet_hint "$f" 'is not allowed; run `ringlet allow` to use it' ;;
    esac
}

# Remembers the answer of the walk __ringlet_walk just did for $PWD (its caller's n, l, f, fd and the
# directories in walked) as the function __ringlet_c<k>. Its one [[ ]] test is true when the answer may be
# out of date: config.toml changed, HOME changed, or a stat() the walk made would now come out otherwise (a
# project file appeared or went away, a directory on the way became a symlink). Otherwise it sets the
# profile, or with a project file goes through __ringlet_update, which reads and checks the file. Every
# value goes in single-quoted, (qq).
function __ringlet_remember {
    local c=${__ringlet_cfgcond-} dir at=below a
    integer k=${__ringlet_ck:-0}
    [[ -n $c ]] || return 0
    c+=" || \${HOME-} != ${(qq)${HOME-}}"
    for dir in "${walked[@]}"; do
        if [[ $at == below && -n $f && $dir == $fd ]]; then
            # The file found: it must stay a file, and a .ringlet.toml beside a .ringlet-profile would win.
            c+=" || -L ${(qq)dir} || ! -f ${(qq)f}"
            if [[ $f == */.ringlet-profile ]]; then c+=" || -f ${(qq)dir}/.ringlet.toml"; fi
            at=above
        elif [[ $at == below ]]; then
            c+=" || -L ${(qq)dir} || -f ${(qq)dir}/.ringlet.toml || -f ${(qq)dir}/.ringlet-profile"
        else
            c+=" || -L ${(qq)dir}"
        fi
    done
    if [[ -n $root ]]; then c+=' || -f /.ringlet.toml || -f /.ringlet-profile'; fi
    if [[ -n $f ]]; then
        a="__ringlet_update '' ${(qq)n} $l ${(qq)f} ${(qq)fd}"
    elif [[ -n ${__ringlet_notify-} ]]; then
        a="__ringlet_pwd=\$PWD __ringlet_hinted=; __ringlet_set ${(qq)n}"
    elif [[ -n $n ]]; then
        # No notice to print: setting the same value again changes nothing.
        a="__ringlet_pwd=\$PWD __ringlet_hinted=; builtin export RINGLET_PROFILE=${(qq)n}"
    else
        a="__ringlet_pwd=\$PWD __ringlet_hinted=; builtin unset RINGLET_PROFILE"
    fi
    # A bounded cache: past 256 directories it starts again.
    if (( k >= 256 )); then __ringlet_cache_reset; k=0; fi
    typeset -g __ringlet_ck=$(( k + 1 ))
    builtin eval "function __ringlet_c$k { [[ $c ]] && return 1; $a }"
    __ringlet_ci[$PWD]=$k
}

# The walk for __ringlet_update, when $PWD is not cached or its cached answer is out of date: sets the
# caller's n, l, f and fd (zsh functions see their caller's locals), then remembers them when it can.
# d: the directory walked, p: the physical $PWD, s: where the walk stops (' ' is no path, so outside HOME
# the root is reached), walked: the directories looked at, root: whether the root was too.
function __ringlet_walk {
    if [[ -z ${__ringlet_broken-} ]] && __ringlet_stale_config; then __ringlet_reload; fi
    local d=${PWD%/} p=$PWD s=' ' __ringlet_hitdir= root=
    local -a walked
    if [[ $PWD == ${HOME-} || $PWD == ${HOME-}/* ]]; then s=${HOME-}; fi
    # A mapped directory bounds the walk too: a project file above it would lose to the mapping anyway.
    if __ringlet_map "$PWD/"; then
        n=$__ringlet_hit l=${#__ringlet_hitdir}
        if (( l > ${#s} )); then s=${__ringlet_hitdir%/*}; fi
    fi
    while [[ -n $d && $d != $s ]]; do
        walked+=("$d")
        # One test for the three things looked for; which one, only when there is one.
        if [[ -L $d || -f $d/.ringlet.toml || -f $d/.ringlet-profile ]]; then
            # A symlink on the way up means the physical path differs: walk that instead.
            if [[ -L $d ]]; then __ringlet_walk_physical; break; fi
            if [[ -z $f ]]; then
                fd=$d
                if [[ -f $d/.ringlet.toml ]]; then f=$d/.ringlet.toml; else f=$d/.ringlet-profile; fi
            fi
        fi
        d=${d%/*}
    done
    # The root itself, outside HOME (the loop ends when the path runs out).
    if [[ -z $d && -z $f && $s == ' ' && $p == $PWD ]]; then
        root=1
        if [[ -f /.ringlet.toml ]]; then f=/.ringlet.toml; elif [[ -f /.ringlet-profile ]]; then f=/.ringlet-profile; fi
    fi
    if [[ $p != $PWD ]]; then
        # Reached through a symlink: the physical path may lie in a deeper mapping. Not remembered: the
        # physical walk has no [[ ]] test of its own.
        if __ringlet_map "$p/" && (( ${#__ringlet_hitdir} > l )); then
            n=$__ringlet_hit l=${#__ringlet_hitdir}
        fi
    elif [[ -z ${__ringlet_broken-} && ( -z $f || -n $fd ) ]]; then
        __ringlet_remember
    fi
}

# Brings RINGLET_PROFILE up to date for $PWD: the nearest allowed project file or the longest mapped
# prefix, whichever is deeper. The walk up stops below HOME inside HOME (project files live in projects,
# HOME-wide is what default-profile is for; the tables hold both spellings of a symlinked HOME). Paths are
# compared with quoted patterns, so no name is ever expanded or run. With $2..$5, the answer of the walk
# (n, l, f, fd) comes from a cache function whose test just passed.
# n/l: the profile and the length of the directory that chose it, f/fd: the project file and its directory.
function __ringlet_update {
    emulate -L zsh
    typeset -g __ringlet_pwd=$PWD
    local quiet=${1-} n= f= fd= __ringlet_hit=
    integer l=-1
    if (( $# >= 5 )); then
        n=$2 l=$3 f=$4 fd=$5
    else
        __ringlet_walk
    fi
    if [[ -n $f ]]; then __ringlet_project; else typeset -g __ringlet_hinted=; fi
    __ringlet_set "$n" "$quiet"
    return 0
}

# Sets RINGLET_PROFILE to $1, or unsets it when $1 is empty, with the notice unless $2 (quiet) is set.
function __ringlet_set {
    if [[ -n $1 ]]; then
        if [[ ${RINGLET_PROFILE-} != "$1" ]]; then
            builtin export RINGLET_PROFILE=$1
            if [[ -z ${2-} && -n ${__ringlet_notify-} ]]; then builtin print -ru2 -- "ringlet: profile $1"; fi
        fi
    elif [[ -n ${RINGLET_PROFILE+x} ]]; then
        if [[ -z ${2-} && -n ${__ringlet_notify-} ]]; then builtin print -ru2 -- "ringlet: profile $RINGLET_PROFILE unset"; fi
        builtin unset RINGLET_PROFILE
    fi
    return 0
}

# zsh runs chpwd_functions on every directory change, in scripts too; $? is restored around them.
# A directory seen before costs its cache function: one [[ ]] test and the profile set.
function __ringlet_hook {
    __ringlet_c${__ringlet_ci[$PWD]-} || __ringlet_update
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
