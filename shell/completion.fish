# fish completion for ringlet: the part that runs when Tab is pressed. The tables (#@TABLES@: command
# words, options, what each argument takes) are generated from the command tree by
# src/shell/completions-gen.ts. Profiles, providers and key aliases are read from disk: no node process.
# Sections match shell/completion.bash and shell/completion.zsh.

#@TABLES@

function __ringlet_values --argument-names kind cur
    set -l home $RINGLET_HOME
    test -n "$home"; or set home $HOME/.ringlet
    set -l cfg $HOME/.config/ringlet
    string match -q -- '/*' "$XDG_CONFIG_HOME"; and set cfg $XDG_CONFIG_HOME/ringlet
    set -l names
    switch $kind
        case profile
            for f in $home/profiles/*/ringlet.toml
                set -a names (string split -r -m2 / -- $f)[2]
            end
        case agent
            set names (__ringlet_static agent)
        case provider
            set names (__ringlet_static provider)
            for f in $cfg/providers/*.toml
                set -a names (string replace -r '^.*/([^/]*)\.toml$' '$1' -- $f)
            end
        case key-alias
            test -r $home/cache/key-aliases; and read -z -l all <$home/cache/key-aliases; and set names (string split \n -- $all)
        case shell-alias
            test -r $home/cache/shell-aliases; and read -z -l all <$home/cache/shell-aliases; and set names (string split \n -- $all)
        case shell
            set names bash zsh fish
        case file
            __fish_complete_path $cur
            return
    end
    string match -r -- '^[A-Za-z0-9][A-Za-z0-9._-]*$' $names
end

# Walks the tokens before the cursor like the bash version; after "--" the rest is completed as a command line.
function __ringlet_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l cpath ''
    set -l npos 0
    set -l want ''
    set -l i 1
    for w in $tokens[2..-1]
        set i (math $i + 1)
        if test -n "$want"
            set want ''
            continue
        end
        if test "$w" = --
            set -l rest $tokens[(math $i + 1)..-1]
            if test (count $rest) -eq 0
                __fish_complete_command $cur
            else
                complete -C (string join ' ' -- (string escape -- $rest) "$cur")
            end
            return
        end
        if string match -q -- '-*' $w
            set want (__ringlet_valopt "$cpath" $w)
            continue
        end
        if test $npos -eq 0; and contains -- $w (__ringlet_children "$cpath" | string replace -r '\t.*' '')
            set cpath (string join ' ' -- $cpath $w | string trim)
            continue
        end
        set npos (math $npos + 1)
    end
    if test -n "$want"
        __ringlet_values $want $cur
        return
    end
    if string match -q -- '-*' $cur
        __ringlet_options "$cpath"
        return
    end
    test $npos -eq 0; and __ringlet_children "$cpath"
    set -l kind (__ringlet_arg "$cpath" $npos)
    test -n "$kind"; and __ringlet_values $kind $cur
end

complete -c ringlet -e
complete -c ringlet -f -a '(__ringlet_complete)'
