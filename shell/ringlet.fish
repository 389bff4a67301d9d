# ringlet shell integration for fish 3.3+.
# Load it from ~/.config/fish/config.fish:   ringlet shell init fish | source
# Lines starting with #@ are replaced by `ringlet shell init` (src/shell/init.ts).
# Sections match shell/ringlet.bash and shell/ringlet.zsh, but for the hook, which comes first here.

# === Hook, first ==========================================================
# fish only: what a cached cd runs comes first. fish spends time proportional to a function's offset in
# the script it was sourced from on every call (about 12 µs at the end of this script, a third of what a
# cd costs), so the hot path sits at the top.

# fish reports every change of PWD as a variable event, in scripts too, and restores $status after the
# handler. __ringlet_hook_define writes that handler, __ringlet_hook, anew whenever the directory cache
# changes (redefining it replaces the handler), with each remembered directory as a literal `case`. A
# directory seen before then costs the `switch`, one `test` with literal arguments (false: nothing its
# answer depends on changed) and the answer; any other goes through __ringlet_update. In fish every
# expansion costs on each call, and so does a function's offset into the script that defined it, hence
# literals in a handler defined by a short `eval`.
#
# The cache's checks are split by what can trip them. On every cd: config.toml's mtime and the project
# files, which a builtin's redirection in this very shell can write. In __ringlet_recheck, after each
# external command (SIGCHLD) and before each command line (fish_preexec): config.toml's removal and a
# directory on the way replaced by a symlink, which only another process can do. So every change made by
# this shell, or before the command line ran, counts at the next cd; one made by an unrelated process while
# this shell runs only builtins counts from the next command line. Each stat() costs fish ~2-3 µs, and these
# were a third of a cached cd.
#
# The cache: up to 8 directories in __ringlet_cdirs, newest first, the handler's code for each in
# __ringlet_slots and its directories on the way, as `test` code, in __ringlet_slotlinks. A slot does not
# clear a pending hint, so slots are filled only while none is pending and printing a hint empties them, as
# do (re)loading the state and a change of HOME (the walk stops below HOME).
function __ringlet_hook_define
    eval 'function __ringlet_hook --on-variable PWD; switch $PWD;' $__ringlet_slots "case '*'; __ringlet_update; end; end"
    functions -e __ringlet_recheck
    set -q __ringlet_slots[1]
    and eval 'function __ringlet_recheck --on-signal SIGCHLD --on-event fish_preexec; test -n ""' \
        $__ringlet_cfggone $__ringlet_slotlinks '; and __ringlet_cache_reset; end'
end

function __ringlet_cache_reset
    set -g __ringlet_cdirs
    set -g __ringlet_slots
    set -g __ringlet_slotlinks
    __ringlet_hook_define
end
__ringlet_cache_reset

function __ringlet_home_changed --on-variable HOME
    __ringlet_cache_reset
end

# The end of an update, from __ringlet_update or a slot: trusts the project file only as __ringlet_allowed
# says (its profile wins when its directory is at least as deep as the mapping's), hints once otherwise,
# and sets or unsets RINGLET_PROFILE.
function __ringlet_settle --argument-names quiet name len file fdlen
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
                if test $fdlen -ge $len
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
        __ringlet_cache_reset
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

# For __ringlet_walk when the way up holds a symlink: resolves the physical $PWD and finds the nearest
# project file from there, setting the caller's phys, file and fdir. `string collect` keeps the path one
# element; a name ending in a newline would lose it, and then the logical $PWD is used.
function __ringlet_walk_physical --no-scope-shadowing
    set phys (builtin realpath -- $PWD 2>/dev/null | string collect)
    test -d "$phys"; or set phys $PWD
    set file
    set fdir
    set -l stop ' '
    string match -q -- "$HOME/*" "$phys/"; and test "$HOME" != /; and set stop $HOME
    set -l dir (string replace -r -- '/$' '' "$phys" | string collect)
    while test "$dir" != "$stop"
        if test -f "$dir/.ringlet.toml"
            set file "$dir/.ringlet.toml"
        else if test -f "$dir/.ringlet-profile"
            set file "$dir/.ringlet-profile"
        end
        if test -n "$file"
            set fdir $dir
            return
        end
        test -n "$dir"; or return
        set dir (string replace -r -- '/[^/]*$' '' "$dir" | string collect)
    end
end

# __ringlet_walk goes up from the caller's $dir (the logical $PWD) to $stop, excluded, and sets the
# caller's file and fdir to the nearest project file; a symlink on the way hands over to
# __ringlet_walk_physical. One test call per level looks for the three things at once. fish 3.4+ gets
# the parent directory from a named regex group, which sets the variable in place; older fish needs a
# command substitution per level (a pipe and a thread each), so it gets its own, slower loop.
if string match -qr -- '(?<__ringlet_probe>x)' x; and set -q __ringlet_probe
    set -e __ringlet_probe
    function __ringlet_walk --no-scope-shadowing
        while test "$dir" != "$stop"
            set -a walked $dir
            if test -L "$dir" -o -f "$dir/.ringlet.toml" -o -f "$dir/.ringlet-profile"
                if test -L "$dir"
                    __ringlet_walk_physical
                    return
                end
                if test -z "$file"
                    set fdir $dir
                    if test -f "$dir/.ringlet.toml"
                        set file "$dir/.ringlet.toml"
                    else
                        set file "$dir/.ringlet-profile"
                    end
                end
            end
            # (?s): names may hold newlines. No match once the root ('') has been looked at: done.
            string match -qr -- '^(?<dir>(?s).*)/[^/]*$' "$dir"; or return
        end
    end
else
    function __ringlet_walk --no-scope-shadowing
        while test "$dir" != "$stop"
            set -a walked $dir
            if test -L "$dir" -o -f "$dir/.ringlet.toml" -o -f "$dir/.ringlet-profile"
                if test -L "$dir"
                    __ringlet_walk_physical
                    return
                end
                if test -z "$file"
                    set fdir $dir
                    if test -f "$dir/.ringlet.toml"
                        set file "$dir/.ringlet.toml"
                    else
                        set file "$dir/.ringlet-profile"
                    end
                end
            end
            test -n "$dir"; or return
            set dir (string replace -r -- '/[^/]*$' '' "$dir" | string collect)
        end
    end
end

# Remembers the answer __ringlet_update just computed for $PWD (its name, len, file, fdir, fdlen and the
# directories in walked) in a slot: one `test` over config.toml's mtime test and exactly the project-file
# stat() calls the walk made, true when any of them would now come out otherwise (a project file appeared or
# went away); the symlink checks of walked go to __ringlet_recheck. Project files are tested relative to the
# working directory, the same files while no directory on the way is a symlink: fish converts every path it
# stats, and short ones cost less. A cache miss already runs the whole walk, so this adds one command
# substitution and no pipe: in fish each costs more than a cached cd.
function __ringlet_remember --no-scope-shadowing
    # Not through a symlink (the physical walk has no test of its own), nor without a state.
    test "$phys" = "$PWD"; and set -q __ringlet_cfgtest[1]; or return
    # A `case` pattern would need * ? and \ escaped: such a directory is not remembered.
    string match -qr -- '[*?\\\\]' $PWD; and return
    # t is code: the state's test, then literal project-file names.
    set -l t $__ringlet_cfgtest
    set -l rel ''
    for d in $walked
        if test -n "$file" -a "$d" = "$fdir"
            # The file found: it must stay a file, and a .ringlet.toml beside a .ringlet-profile would win.
            if string match -q -- '*/.ringlet-profile' $file
                set -a t -o ! -f $rel.ringlet-profile -o -f $rel.ringlet.toml
            else
                set -a t -o ! -f $rel.ringlet.toml
            end
            break
        end
        set -a t -o -f $rel.ringlet.toml -o -f $rel.ringlet-profile
        set rel ../$rel
    end
    # Without a project file or a notice to print, the answer is one `set`. The escaped words are $PWD, the
    # answer's and walked's: last and first are where the answer ends and walked starts (literals: `math`
    # would be one more command substitution).
    set -l act __ringlet_settle '' "$name" "$len" "$file" "$fdlen"
    set -l last 7
    set -l first 8
    if test -z "$file" -a -z "$__ringlet_notify"
        set act set -e RINGLET_PROFILE
        set last 4
        set first 5
        if test -n "$name"
            set act set -gx RINGLET_PROFILE $name
            set last 5
            set first 6
        end
    end
    # string escape prints one line per word, a newline in a name included.
    set -l q (string escape -- $PWD $act $walked)
    set -l links
    for d in $q[$first..-1]
        # '' is the root, never a symlink.
        test "$d" = "''"; or set -a links -o -L $d
    end
    # Newest first, so the oldest falls off the end; a directory already there moves to the front.
    if contains -- $PWD $__ringlet_cdirs
        for i in 1 2 3 4 5 6 7 8
            if test "$__ringlet_cdirs[$i]" = "$PWD"
                set -e __ringlet_cdirs[$i]
                set -e __ringlet_slots[$i]
                set -e __ringlet_slotlinks[$i]
                break
            end
        end
    end
    set -g __ringlet_cdirs $PWD $__ringlet_cdirs
    set -g __ringlet_slots "case $q[1]; test $t; and __ringlet_update; or $q[2..$last];" $__ringlet_slots
    set -g __ringlet_slotlinks "$links" $__ringlet_slotlinks
    if set -q __ringlet_cdirs[9]
        set -e __ringlet_cdirs[9]
        set -e __ringlet_slots[9]
        set -e __ringlet_slotlinks[9]
    end
    __ringlet_hook_define
end

# Brings RINGLET_PROFILE up to date for $PWD: the nearest allowed project file or the longest mapped
# prefix, whichever is deeper. Few statements (each costs here), and on the common path no command
# substitution: config.toml is the only input tested every time, and the walk up stops below HOME inside
# HOME (project files live in projects, HOME-wide is what default-profile is for; the tables hold both
# spellings of a symlinked HOME). Paths are compared as data, never run. The hook answers a directory seen
# before from its slot; this is the rest.
function __ringlet_update --argument-names quiet
    set -g __ringlet_pwd $PWD
    if test -z "$__ringlet_broken"; and __ringlet_stale_config
        __ringlet_reload
    end
    # dir: the directory walked ('' is the root), phys: the physical $PWD, stop: where the walk ends,
    # excluded (' ' is no path, so outside HOME the root is reached), file/fdir: the project file and its
    # directory, name/len: the profile and the length of the directory that chose it, walked: the
    # directories looked at.
    set -l dir $PWD
    set -l phys $PWD
    set -l stop ' '
    set -l file
    set -l fdir
    set -l name
    set -l len -1
    set -l walked
    string match -q -- "$HOME/*" "$PWD/"; and test "$HOME" != /; and set stop $HOME
    # __ringlet_map sets __ringlet_hit to (profile, directory, its length, its parent).
    if __ringlet_map "$PWD/"
        set name $__ringlet_hit[1]
        set len $__ringlet_hit[3]
        # A mapped directory bounds the walk too: a project file above it would lose to the mapping anyway.
        if test "$stop" = ' '; or string match -q -- "$HOME/*" "$__ringlet_hit[2]"
            set stop $__ringlet_hit[4]
        end
    end
    test "$dir" = /; and set dir ''
    __ringlet_walk
    set -l fdlen 0
    test -n "$file"; and set fdlen (string length -- "$fdir")
    # Reached through a symlink: the physical path may lie in a deeper mapping.
    if test "$phys" != "$PWD"; and __ringlet_map "$phys/"; and test $__ringlet_hit[3] -gt $len
        set name $__ringlet_hit[1]
        set len $__ringlet_hit[3]
    end
    __ringlet_settle "$quiet" "$name" $len "$file" $fdlen
    test -z "$__ringlet_broken$__ringlet_hinted"; and __ringlet_remember
    # A slot runs `test …; and __ringlet_update; or <its answer>`: the answer must not follow an update.
    return 0
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
