package main

import (
	"strings"
)

// Bash and zsh completion are dsb's own scripts, not cobra's: cobra's bash script
// (spf13/cobra#1740, open) hands the word under the cursor to the program
// still quoted ("/photos/Été\ 2020/" matches nothing) and inserts a common
// prefix of several candidates unquoted ("dsb ls /photos/Été 202"), so a
// name with a space is split in two. Here the script passes the words as
// typed to "dsb __complete_words", which dequotes them (completeWordsArgs)
// and answers through cobra's own completion (__completeNoDesc); the
// script then lets bash quote what it inserts (-o filenames) whenever a
// candidate needs quoting. cobra's zsh script evaluates the typed words
// with eval (a $(...) on the line would run at Tab) and inserts names
// with a backslash unquoted; dsb's zsh script passes the words as typed
// too and lets compadd quote. fish uses cobra's script, which quotes
// right. completion_shells.txtar drives all three in tmux.

// completeWordsCmd is the hidden entry point the bash and zsh scripts call.
const completeWordsCmd = "__complete_words"

// completeWordsArgs turns "__complete_words WORD..." (words as typed on the
// command line) into cobra's "__completeNoDesc WORD..." with each word
// dequoted as bash would.
func completeWordsArgs(words []string) []string {
	out := []string{"__completeNoDesc"}
	for _, w := range words {
		out = append(out, shellDequote(w))
	}
	return out
}

// shellDequote removes bash quoting from a word as typed, which may stop
// in the middle of a quote (the word being completed): backslash escapes,
// '...', "..." and $'...'. Nothing is expanded: $VAR and ~ stay literal
// (completion must never run anything).
func shellDequote(w string) string {
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c == '\\' && i+1 < len(w):
			i++
			b.WriteByte(w[i])
		case c == '\'':
			end := strings.IndexByte(w[i+1:], '\'')
			if end < 0 {
				end = len(w) - i - 1
			}
			b.WriteString(w[i+1 : i+1+end])
			i += end + 1
		case c == '"':
			i = dequoteDouble(&b, w, i+1)
		case c == '$' && i+1 < len(w) && w[i+1] == '\'':
			i = dequoteANSI(&b, w, i+2)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// dequoteDouble copies a "..." body starting at i; it returns the index of
// the closing quote (or the end).
func dequoteDouble(b *strings.Builder, w string, i int) int {
	for ; i < len(w) && w[i] != '"'; i++ {
		if w[i] == '\\' && i+1 < len(w) && strings.IndexByte("\"\\$`", w[i+1]) >= 0 {
			i++
		}
		b.WriteByte(w[i])
	}
	return i
}

// dequoteANSI copies a $'...' body starting at i, with the escapes bash
// uses when it quotes a name ($'\n', $'\t', \\ and \').
func dequoteANSI(b *strings.Builder, w string, i int) int {
	esc := map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '\'': '\'', '"': '"', 'a': '\a', 'e': 0x1b}
	for ; i < len(w) && w[i] != '\''; i++ {
		if w[i] == '\\' && i+1 < len(w) {
			if r, ok := esc[w[i+1]]; ok {
				b.WriteByte(r)
				i++
				continue
			}
		}
		b.WriteByte(w[i])
	}
	return i
}

// bashCompletion is the script 'dsb completion bash' prints. Directives
// are cobra's ShellCompDirective bits: 1 error, 2 no space, 4 no file
// completion, 16 directories only, 32 keep order.
const bashCompletion = `# bash completion for dsb ('dsb completion bash'). dsb dequotes the words
# itself and bash quotes what it inserts, so names with spaces, quotes,
# backslashes and accents survive (cobra's script does not: spf13/cobra#1740).
_dsb() {
    local cur words cword
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref -n =: cur words cword
    else
        cur=${COMP_WORDS[COMP_CWORD]} words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
    fi
    local out
    out=$("${words[0]}" __complete_words "${words[@]:1:cword-1}" "$cur" 2>/dev/null) || return
    local -a lines
    mapfile -t lines <<<"$out"
    local directive=${lines[${#lines[@]}-1]#:}
    [[ $directive =~ ^[0-9]+$ ]] || return
    unset 'lines[${#lines[@]}-1]'
    (( directive & 1 )) && return
    if (( directive & 16 )); then
        compopt -o filenames
        if declare -F _filedir >/dev/null 2>&1; then _filedir -d; else COMPREPLY=($(compgen -d -- "$cur")); fi
        return
    fi
    if (( ${#lines[@]} == 0 )); then
        (( directive & 4 )) && return
        compopt -o filenames
        if declare -F _filedir >/dev/null 2>&1; then _filedir; else COMPREPLY=($(compgen -f -- "$cur")); fi
        return
    fi
    (( directive & 2 )) && compopt -o nospace
    (( directive & 32 )) && compopt -o nosort
    # Bash replaces only the part of the word after its last = or : (they
    # break words for readline); candidates name the whole word.
    local strip=
    if [[ $cur == *[=:]* && $cur != *[\'\"\\]* ]]; then
        strip=${cur%"${cur##*[=:]}"}
    fi
    local c quote=
    COMPREPLY=()
    for c in "${lines[@]}"; do
        [[ $c == *[[:space:]\'\"\\\$\` + "`" + `\<\>\;\|\&\(\)\#\?\*\[\]\!\{\}]* ]] && quote=1
        COMPREPLY+=("${c#"$strip"}")
    done
    # Let bash quote what it inserts; only then, since it also appends a
    # slash to a candidate that names a local directory.
    [[ -n $quote || $cur == *[\'\"\\]* ]] && compopt -o filenames
}
complete -F _dsb dsb
`

// zshCompletion is the script 'dsb completion zsh' prints (same
// directives as bashCompletion).
const zshCompletion = `#compdef dsb
# zsh completion for dsb ('dsb completion zsh'). dsb dequotes the words
# itself (nothing typed is evaluated) and compadd quotes what it inserts.
_dsb() {
    local out directive
    local -a lines opts
    out=$("${words[1]}" __complete_words "${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
    lines=("${(@f)out}")
    directive=${lines[-1]#:}
    lines[-1]=()
    [[ $directive == <-> ]] || return 1
    (( directive & 1 )) && return 1
    if (( directive & 16 )); then
        _path_files -/
        return
    fi
    if (( ${#lines} == 0 )); then
        (( directive & 4 )) && return 1
        _files
        return
    fi
    # --flag=value: the candidates are values.
    [[ $PREFIX == -*=* ]] && compset -P '*='
    (( directive & 2 )) && opts+=(-S '')
    if (( directive & 32 )); then opts+=(-V dsb); else opts+=(-J dsb); fi
    compadd "${opts[@]}" -- "${lines[@]}"
}
if [[ $funcstack[1] == _dsb ]]; then
    _dsb "$@"
else
    compdef _dsb dsb
fi
`
