#!/usr/bin/env bats
# The per-directory cache of the cd hook: a directory seen before is answered from the cache only while
# nothing its answer depends on changed. Every test goes back to directories already seen, so the second
# visit is the cached one, and changes what the answer depends on in between.

load helpers

setup() {
    setup_env
    make_profile work codex
    make_profile acme claude
    mkdir -p "$HOME/work/sub" "$HOME/other/sub" "$HOME/proj/sub"
    add_mapping "~/work" work
}

teardown() {
    teardown_env
}

shows() {
    grep '^p=' <<<"$output" || true
}

# [shell] notify = $1, as the last table of config.toml (a cached answer without a notice is simpler).
set_notify() {
    sed -i '/^\[shell\]$/,$d' "$CONFIG"
    printf '[shell]\nnotify = %s\n' "$1" >>"$CONFIG"
}

# Runs BODY in each shell, with and without the notice, and compares the p= lines with EXPECTED.
check_all() {
    local body=$1 expected=$2 sh notify
    for notify in true false; do
        set_notify "$notify"
        for sh in bash zsh fish; do
            run --separate-stderr in_shell "$sh" "$body"
            assert_eq "$(shows)" "$expected" || { echo "in $sh, notify = $notify; stderr: $stderr" >&2; return 1; }
        done
    done
}

@test "revisited directories keep their answers, weird names included, and nothing in a name runs" {
    local names=('with space' "it's \"q\"" '$(touch pwned-dollar)' '`touch pwned-tick`' '*' '[ab]?' $'new\nline' 'back\slash' 'ünï') i body='' expected=''
    for i in "${!names[@]}"; do
        mkdir -p "$HOME/weird/${names[i]}/in"
        if ((i % 2)); then add_mapping "$HOME/weird/${names[i]}" acme; fi
        export "W$i=$HOME/weird/${names[i]}"
    done
    for round in 1 2 3; do
        for i in "${!names[@]}"; do
            body+="cd \"\$W$i/in\""$'\n'"show"$'\n'"cd \"\$HOME/work\""$'\n'"show"$'\n'
            if ((i % 2)); then expected+="p=acme"$'\n'; else expected+="p="$'\n'; fi
            expected+="p=work"$'\n'
        done
    done
    check_all "$body" "${expected%$'\n'}"
    assert_eq "$(find "$T" -name 'pwned*' | wc -l)" 0
}

@test "a project file that appears in a cached directory or its parent is noticed, with the hint" {
    local sh
    for sh in bash zsh fish; do
        rm -f "$HOME/other/.ringlet.toml" "$HOME/other/sub/.ringlet-profile"
        run --separate-stderr in_shell "$sh" 'cd "$HOME/other/sub"
show
cd "$HOME/work/sub"
show
printf "acme\n" >"$HOME/other/sub/.ringlet-profile"
cd "$HOME/other/sub"
show
cd "$HOME/work"
rm "$HOME/other/sub/.ringlet-profile"
cd "$HOME/other/sub"
show
cd "$HOME/work/sub"
printf "profile = \"acme\"\n" >"$HOME/other/.ringlet.toml"
cd "$HOME/other/sub"
show'
        assert_eq "$(shows)" "$(printf '%s\n' p= p=work p= p= p=)"
        assert_contains "$stderr" "other/sub/.ringlet-profile is not allowed"
        assert_contains "$stderr" "other/.ringlet.toml is not allowed"
    done
}

@test "an allowed project file: edited, allowed again, removed, shadowed by a .ringlet.toml beside it" {
    printf 'acme\n' >"$HOME/proj/.ringlet-profile"
    ringlet allow "$HOME/proj/.ringlet-profile" >/dev/null
    local sh
    for sh in bash zsh fish; do
        printf 'acme\n' >"$HOME/proj/.ringlet-profile"
        rm -f "$HOME/proj/.ringlet.toml"
        ringlet allow "$HOME/proj/.ringlet-profile" >/dev/null
        run --separate-stderr in_shell "$sh" 'cd "$HOME/proj/sub"
show
cd "$HOME/work"
printf "work\n" >"$HOME/proj/.ringlet-profile"
cd "$HOME/proj/sub"
show
command ringlet allow "$HOME/proj/.ringlet-profile" >/dev/null
cd "$HOME/work"
cd "$HOME/proj/sub"
show
cd "$HOME/work"
printf "profile = \"acme\"\n" >"$HOME/proj/.ringlet.toml"
cd "$HOME/proj/sub"
show
cd "$HOME/work"
rm "$HOME/proj/.ringlet.toml" "$HOME/proj/.ringlet-profile"
cd "$HOME/proj/sub"
show'
        # allowed; edited: ignored; allowed again (outside the shell function); a new .ringlet.toml wins
        # and is not allowed; both gone
        assert_eq "$(shows)" "$(printf '%s\n' p=acme p= p=work p= p=)"
        assert_contains "$stderr" ".ringlet-profile changed since \`ringlet allow\`"
        assert_contains "$stderr" "proj/.ringlet.toml is not allowed"
    done
}

@test "ringlet allow and deny through the shell function apply to cached directories at once" {
    printf 'profile = "acme"\n' >"$HOME/proj/.ringlet.toml"
    check_all 'cd "$HOME/proj/sub"
show
cd "$HOME/work"
cd "$HOME/proj/sub"
ringlet allow >/dev/null
show
cd "$HOME/work"
cd "$HOME/proj/sub"
show
ringlet deny >/dev/null
show
cd "$HOME/work"
cd "$HOME/proj/sub"
show' "$(printf '%s\n' p= p=acme p=acme p= p=)"
}

@test "a directory on the way that becomes a symlink, and a symlink retargeted, are followed" {
    mkdir -p "$T/phys-a/p" "$T/phys-b/p"
    add_mapping "$T/phys-a" acme
    local sh notify
    for notify in true false; do
      set_notify "$notify"
      for sh in bash zsh fish; do
        rm -rf "$HOME/lnk"
        mkdir -p "$HOME/lnk/p"
        run --separate-stderr in_shell "$sh" 'cd "$HOME/lnk/p"
show
cd "$HOME/work"
rm -r "$HOME/lnk"
ln -s "$T/phys-a" "$HOME/lnk"
cd "$HOME/lnk/p"
show
cd "$HOME/work"
rm "$HOME/lnk"
ln -s "$T/phys-b" "$HOME/lnk"
cd "$HOME/lnk/p"
show
cd "$HOME/work"
rm "$HOME/lnk"
mkdir -p "$HOME/lnk/p"
cd "$HOME/lnk/p"
show'
        # a real directory (unmapped); now a link into the mapped $T/phys-a; retargeted; real again
        assert_eq "$(shows)" "$(printf '%s\n' p= p=acme p= p=)"
      done
    done
}

@test "a config change drops every cached answer" {
    # Rewritten by a builtin redirection: no process runs before the next cd (fish tests the mtime per cd).
    local sh
    for sh in bash zsh fish; do
        : >"$CONFIG"
        add_mapping "~/work" work
        run --separate-stderr in_shell "$sh" 'cd "$HOME/other/sub"
show
cd "$HOME/work/sub"
show
printf "[[directory-mapping]]\npath = \"~/other\"\nprofile = \"acme\"\n" >"$XDG_CONFIG_HOME/ringlet/config.toml"
cd "$HOME/other/sub"
show
cd "$HOME/work/sub"
show
rm "$XDG_CONFIG_HOME/ringlet/config.toml"
cd "$HOME/other/sub"
show'
        assert_eq "$(shows)" "$(printf '%s\n' p= p=work p=acme p= p=)"
    done
}

@test "a HOME change drops every cached answer (the walk stops below HOME)" {
    # $T/.ringlet.toml lies above HOME: not looked at from inside HOME, seen once HOME is elsewhere.
    printf 'profile = "acme"\n' >"$T/.ringlet.toml"
    mkdir -p "$T/home2"
    local sh sethome
    for sh in bash zsh fish; do
        sethome='W=$HOME; HOME=$T/home2'
        [[ $sh == fish ]] && sethome='set -g W $HOME; set -gx HOME $T/home2'
        run --separate-stderr in_shell "$sh" "cd \"\$HOME/other/sub\"
show
cd \"\$HOME/work\"
$sethome
cd \"\$W/other/sub\"
show"
        assert_eq "$(shows)" "$(printf '%s\n' p= p=)"
        assert_contains "$stderr" "$T/.ringlet.toml is not allowed"
    done
}

@test "more directories than the cache holds: evicted ones are walked again, correctly" {
    # 300 directories: more than bash and zsh keep (256) and than fish's slots (8); then the last few
    # again, which are still cached.
    local i body='' expected='' list
    mkdir -p "$HOME"/many/d{1..300}
    for ((i = 3; i <= 300; i += 3)); do add_mapping "~/many/d$i" acme; done
    for list in "$(seq 1 300)" "$(seq 1 300)" "$(seq 295 300)" "$(seq 295 300)"; do
        for i in $list; do
            body+="cd \"\$HOME/many/d$i\""$'\n'"show"$'\n'
            if ((i % 3 == 0)); then expected+="p=acme"$'\n'; else expected+="p="$'\n'; fi
        done
    done
    check_all "$body" "${expected%$'\n'}"
}

@test "the notice is printed on every change, from the cache too" {
    set_notify true
    local sh
    for sh in bash zsh fish; do
        run --separate-stderr in_shell "$sh" 'cd "$HOME/work"
cd "$HOME/other"
cd "$HOME/work"
cd "$HOME/other"
cd "$HOME/work/sub"
cd "$HOME/work"'
        # work, unset, work (cached), unset (cached), work (work/sub); work/sub -> work changes nothing
        assert_eq "$(grep -c '^ringlet: profile work$' <<<"$stderr")" 3
        assert_eq "$(grep -c '^ringlet: profile work unset$' <<<"$stderr")" 2
    done
}

@test "fish: a cd answered from the cache returns cd's status, not the hook's" {
    # The cached answer for $HOME/other is `set -e RINGLET_PROFILE`, which fails when it is already unset.
    run --separate-stderr in_shell fish 'cd "$HOME/other"; cd "$HOME/other/sub"; cd "$HOME/other"; echo "s=$status"
builtin cd "$HOME/other/sub"; echo "s=$status"'
    assert_eq "$output" "$(printf '%s\n' s=0 s=0)"
}

@test "bash -e -u and zsh -e -u: cached cds print nothing and fail nothing" {
    set_notify false
    printf 'profile = "acme"\n' >"$HOME/proj/.ringlet.toml"
    ringlet allow "$HOME/proj" >/dev/null
    run bash --norc --noprofile -e -u -c '
        eval "$(ringlet shell init bash)"
        for i in 1 2 3; do for d in "$HOME/work" "$HOME/proj/sub" "$HOME/other" / "$HOME"; do cd "$d"; __ringlet_hook; done; done
        cd "$HOME/proj/sub"; __ringlet_hook
        printf "done %s" "$RINGLET_PROFILE"'
    assert_eq "$status" 0
    assert_eq "$output" "done acme"
    run zsh -f -e -u -c '
        eval "$(ringlet shell init zsh)"
        for i in 1 2 3; do for d in "$HOME/work" "$HOME/proj/sub" "$HOME/other" / "$HOME"; do cd "$d"; done; done
        cd "$HOME/proj/sub"
        printf "done %s" "$RINGLET_PROFILE"'
    assert_eq "$status" 0
    assert_eq "$output" "done acme"
}

@test "fish: a symlink swap or config removal by an unrelated process counts from the next command line" {
    # A grandchild changes things while fish runs only builtins (no SIGCHLD reaches fish); the next
    # command line (fish_preexec, emitted by hand as this shell is not interactive) rechecks.
    mkdir -p "$T/phys-a/p" "$HOME/lnk/p"
    add_mapping "$T/phys-a" acme
    local body
    body=$(cat <<'B'
function wait_until
    set -l n 0
    while not test $argv; and test $n -lt 1000000
        set n (math $n + 1)
    end
end
cd "$HOME/lnk/p"
show
cd "$HOME/work"
show
sh -c '( sleep 0.3; rm -r "$HOME/lnk"; ln -s "$T/phys-a" "$HOME/lnk" ) >/dev/null 2>&1 &'
wait_until -L "$HOME/lnk"
emit fish_preexec
cd "$HOME/lnk/p"
show
cd "$HOME/work"
show
sh -c '( sleep 0.3; rm "$XDG_CONFIG_HOME/ringlet/config.toml" ) >/dev/null 2>&1 &'
wait_until ! -e "$XDG_CONFIG_HOME/ringlet/config.toml"
emit fish_preexec
cd "$HOME/work"
show
B
)
    run --separate-stderr in_shell fish "$body"
    # a real directory (unmapped); then a link into the mapped $T/phys-a; config.toml gone: no mapping
    assert_eq "$(shows)" "$(printf '%s\n' p= p=work p=acme p=work p=)"
}
