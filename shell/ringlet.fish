# ringlet shell integration for fish 3.3+.
# Load it from ~/.config/fish/config.fish:   ringlet shell init fish | source
# Lines starting with #@ are replaced by `ringlet shell init` (src/shell/init.ts).
# Sections match shell/ringlet.bash and shell/ringlet.zsh.

# === Settings =============================================================

#@ARGS@

# === Utility functions ====================================================

# The ringlet CLI, never a function of that name. RINGLET_BIN overrides the binary.
function __ringlet_cli
    if set -q RINGLET_BIN[1]; and test -n "$RINGLET_BIN"
        command $RINGLET_BIN $argv
    else
        command ringlet $argv
    end
end

# Removes the alias functions of the previous state (an alias deleted from config.toml must go away).
function __ringlet_unalias
    for name in $__ringlet_aliases
        functions --erase -- $name
    end
end

# One line per project file until another one is found, so moving around inside a project is quiet.
function __ringlet_hint --argument-names file message
    if test "$file" != "$__ringlet_hinted"
        set -g __ringlet_hinted $file
        printf 'ringlet: %s %s\n' (string escape -- $file) $message >&2
    end
end

# === Generated state ======================================================
# Directory mapping, allowed project files, aliases and the staleness test. Replaced as a whole by
# __ringlet_reload when config.toml, the allow store or the profiles change.

#@STATE@

# === Hook =================================================================

# Re-reads the state, only when an input is newer than the state's stamp: the one place a process starts.
function __ringlet_reload
    # A command substitution splits at newlines; `set` keeps the command's status, `string join` the text.
    set -l state (__ringlet_cli shell init $__ringlet_args --state)
    if test $status -eq 0; and set -q state[1]
        string join \n -- $state | source
    else
        # Stop retrying on every cd; the next `ringlet` command through the shell function tries again.
        set -g __ringlet_broken 1
    end
end

# __ringlet_up replaces the caller's $dir by its parent ('' for the root), without a command substitution
# (each costs a pipe and a thread in fish) where fish 3.4+ can: its `string match` sets variables from
# named groups. (?s) keeps names with newlines whole.
if string match -qr -- '(?<__ringlet_probe>x)' x; and set -q __ringlet_probe
    set -e __ringlet_probe
    function __ringlet_up --no-scope-shadowing
        string match -qr -- '^(?<dir>(?s).*)/[^/]*$' "$dir"; or set dir ''
    end
else
    function __ringlet_up --no-scope-shadowing
        set dir (string replace -r -- '/[^/]*$' '' "$dir" | string collect)
    end
end

# Sets __ringlet_stop: where the walk up from $argv[1] ends, excluded. Inside HOME that is HOME (project
# files live in projects, HOME-wide is what default-profile is for; the tables hold both spellings of a
# symlinked HOME); elsewhere ' ', which is no path, so the root is reached.
function __ringlet_set_stop --argument-names path
    set -g __ringlet_stop ' '
    if test -n "$HOME"; and begin; test "$path" = "$HOME"; or string match -q -- "$HOME/*" "$path"; end
        set -g __ringlet_stop $HOME
    end
end

# Brings RINGLET_PROFILE up to date for $PWD: the nearest allowed project file or the longest mapped
# prefix, whichever is deeper. A cd costs builtins and a few stat() calls, and on the common path no
# command substitution (each costs a pipe and a thread in fish): config.toml is the only input tested
# every time. Paths are compared as data, so no name is ever expanded or run.
function __ringlet_update --argument-names quiet
    set -g __ringlet_pwd $PWD
    if test -z "$__ringlet_broken"; and __ringlet_stale_config
        __ringlet_reload
    end
    # dir: the directory walked, phys: the physical $PWD, file/fdir: the project file and its directory,
    # name/len: the profile and the length of the directory that chose it.
    set -l dir $PWD
    set -l phys $PWD
    set -l file
    set -l fdir
    test "$dir" = /; and set dir ''
    __ringlet_set_stop $PWD
    while test "$dir" != "$__ringlet_stop"
        if test -L "$dir"
            # A symlink on the way up means the physical path differs: resolve it and walk that instead.
            # `string collect` keeps it one element; a name ending in a newline would lose it, and then
            # the logical $PWD is used.
            set phys (builtin realpath -- $PWD 2>/dev/null | string collect)
            test -d "$phys"; or set phys $PWD
            __ringlet_set_stop $phys
            set file
            set dir $phys
            test "$dir" = /; and set dir ''
            while test "$dir" != "$__ringlet_stop"
                if test -f "$dir/.ringlet.toml"
                    set file "$dir/.ringlet.toml"
                else if test -f "$dir/.ringlet-profile"
                    set file "$dir/.ringlet-profile"
                end
                if test -n "$file"
                    set fdir $dir
                    break
                end
                test -n "$dir"; or break
                __ringlet_up
            end
            break
        end
        if test -z "$file"
            if test -f "$dir/.ringlet.toml"
                set file "$dir/.ringlet.toml"
                set fdir $dir
            else if test -f "$dir/.ringlet-profile"
                set file "$dir/.ringlet-profile"
                set fdir $dir
            end
        end
        test -n "$dir"; and test "$dir" != /; or break
        __ringlet_up
    end
    set -l name
    set -l len -1
    if __ringlet_map "$phys/"
        set name $__ringlet_hit
        set len $__ringlet_hitlen
    end
    if test "$phys" != "$PWD"; and __ringlet_map "$PWD/"; and test $__ringlet_hitlen -gt $len
        set name $__ringlet_hit
        set len $__ringlet_hitlen
    end
    if test -n "$file"
        # An allow or deny in another shell is picked up here, where it matters.
        if test -z "$__ringlet_broken"; and __ringlet_stale_allow
            __ringlet_reload
        end
        # Bounded read: a huge file cannot stall the prompt, and anything over the limit never matches.
        set -l content
        read -z -n 4097 content 2>/dev/null <$file
        __ringlet_allowed $file "$content"
        switch $status
            case 0
                set -g __ringlet_hinted
                if test (string length -- "$fdir") -ge $len
                    set name $__ringlet_hit
                end
            case 1
                __ringlet_hint $file 'changed since `ringlet allow`; ignored until you run `ringlet allow` again'
            case '*'
                __ringlet_hint $file 'is not allowed; run `ringlet allow` to use it'
        end
    else
        set -g __ringlet_hinted
    end
    if test -n "$name"
        if test "$RINGLET_PROFILE" != "$name"
            set -gx RINGLET_PROFILE $name
            if test -z "$quiet"; and test -n "$__ringlet_notify"
                printf 'ringlet: profile %s\n' $name >&2
            end
        end
    else if set -q RINGLET_PROFILE
        if test -z "$quiet"; and test -n "$__ringlet_notify"
            printf 'ringlet: profile %s unset\n' "$RINGLET_PROFILE" >&2
        end
        set -e RINGLET_PROFILE
    end
    return 0
end

# fish reports every change of PWD as a variable event, in scripts too. Redefining the function on a
# second `source` replaces the handler instead of adding one.
function __ringlet_hook --on-variable PWD
    set -l rc $status
    __ringlet_update
    return $rc
end

# === Commands =============================================================

# `ringlet …` through the shell: afterwards every input is re-checked at once, so `ringlet allow` or
# `ringlet alias add` take effect in this shell without waiting for the next cd.
function __ringlet_cmd
    __ringlet_cli $argv
    set -l rc $status
    set -g __ringlet_broken
    if __ringlet_stale_config; or __ringlet_stale_allow; or __ringlet_stale_profiles
        __ringlet_reload
    end
    __ringlet_update
    return $rc
end

# Aliases ([shell.aliases]): the profile's agent with the arguments as given, a bare prompt included.
# A profile created or removed since the state was built changes what runs, so that is tested here.
function __ringlet_alias --argument-names name
    if test -z "$__ringlet_broken"; and begin; __ringlet_stale_config; or __ringlet_stale_profiles; end
        __ringlet_reload
    end
    if not __ringlet_alias_target $name
        printf 'ringlet: alias %s no longer exists\n' $name >&2
        return 127
    end
    if test -z "$__ringlet_agent"
        printf 'ringlet: alias %s: profile "%s" does not exist (ringlet profiles list)\n' $name $__ringlet_hit >&2
        return 3
    end
    __ringlet_cli profiles run $__ringlet_hit -- $__ringlet_agent $argv[2..-1]
end

# Wrapped agents (--wrap): the selected profile's environment when there is one, the plain binary otherwise.
function __ringlet_wrap
    if test "$__ringlet_pwd" != "$PWD"
        __ringlet_update
    end
    if test -n "$RINGLET_PROFILE"
        __ringlet_cli profiles run $RINGLET_PROFILE -- $argv
    else
        command $argv
    end
end

#@COMMAND@

#@WRAPPERS@

# === Completions ==========================================================

#@COMPLETIONS@

complete -c $__ringlet_cmdname -e
complete -c $__ringlet_cmdname -f -a '(__ringlet_complete)'

# === Start ================================================================

__ringlet_update quiet
