#!/usr/bin/env zsh
# Drives real zsh completion in a pseudo-terminal (zpty) and prints the candidates offered for a command
# line, one per line: `zsh-complete.zsh 'ringlet profiles run ' [init args…]`.
# compadd is wrapped so each candidate is recorded as completion adds it (descriptions go to a second file).

emulate -L zsh
zmodload zsh/zpty || exit 1
local line=$1; shift
local out=${TMPDIR:-/tmp}/zsh-complete.$$
: >$out
: >$out.desc

zpty -b z zsh -f -i
zpty -w z "PS1='' PROMPT_EOL_MARK=''; autoload -Uz compinit; compinit -u -D"
zpty -w z "eval \"\$(ringlet shell init zsh ${(j: :)${(q)@}})\""
zpty -w z "compadd() { local -a __m __d; builtin compadd -O __m \"\$@\"; print -rl -- \$__m >>${(q)out}; if (( \${@[(I)-d]} )); then __d=(\${(P)\${@[\${@[(I)-d]}+1]}}); print -rl -- \$__d >>${(q)out}.desc; fi; builtin compadd \"\$@\"; }"
# a widget that completes, then prints a marker: waiting for it replaces guessing how long completion takes
zpty -w z "__t_complete() { zle complete-word; print -rn -- COMPLETED-\$((1+1)); }; zle -N __t_complete; bindkey '^Xc' __t_complete"
zpty -w z "print -r -- READY-\$((1+1))"
zpty -r z reply '*READY-2*' || exit 2
zpty -w -n z "$line"$'\C-xc'
zpty -r z reply '*COMPLETED-2*' || exit 3
zpty -w -n z $'\C-u'
zpty -d z
sort -u $out
if [[ -n ${ZSH_COMPLETE_DESC-} ]]; then print -r -- '--descriptions--'; cat $out.desc; fi
rm -f $out $out.desc
