package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"dsb/objects"
	"dsb/vpath"
)

// completeDisks completes disk names from the catalog (quietly nothing on
// any error: completion must never print errors into a command line).
func (a *app) completeDisks(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	cat, err := a.openCatalog(cmd.Context(), false)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	defer cat.Close()
	ds, err := cat.Disks(cmd.Context())
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, d := range ds {
		if strings.HasPrefix(d.Name, toComplete) {
			out = append(out, d.Name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeVPaths completes virtual paths of the catalog by prefix.
func (a *app) completeVPaths(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	cat, err := a.openCatalog(cmd.Context(), false)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	defer cat.Close()
	paths, err := cat.CompletePath(cmd.Context(), toComplete, 200)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	// cobra's protocol is one candidate a line, a tab starting its
	// description: a name with a newline or tab cannot be offered.
	var out []string
	dirs := false
	for _, p := range paths {
		if !strings.ContainsAny(p, "\n\t") {
			out = append(out, p)
			dirs = dirs || strings.HasSuffix(p, "/")
		}
	}
	if dirs { // a directory is completed further: no space after it
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completePatterns completes the PATTERN arguments of ls and restore: a
// name with a glob character ("[2020] Trip", "back\\slash") is offered
// escaped, so that the completed pattern selects exactly that name.
func (a *app) completePatterns(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	out, dir := a.completeVPaths(cmd, args, vpath.Unescape(toComplete))
	for i, p := range out {
		out[i] = vpath.Escape(p)
	}
	return out, dir
}

// firstArg completes only the first positional argument.
func firstArg(f cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return f(cmd, args, toComplete)
	}
}

// addCompletions attaches dynamic completion to the commands of the tree.
func (a *app) addCompletions(root *cobra.Command) {
	disk := firstArg(a.completeDisks)
	for _, path := range []string{"plan", "backup", "verify", "disk set", "disk rename", "disk lost", "disk remove", "disk refresh"} {
		if c, _, err := root.Find(strings.Fields(path)); err == nil {
			c.ValidArgsFunction = disk
		}
	}
	for _, path := range []string{"why", "source set", "source unmap"} {
		if c, _, err := root.Find(strings.Fields(path)); err == nil {
			c.ValidArgsFunction = firstArg(a.completeVPaths)
		}
	}
	if c, _, err := root.Find([]string{"ls"}); err == nil {
		c.ValidArgsFunction = firstArg(a.completePatterns)
	}
	if c, _, err := root.Find([]string{"restore"}); err == nil {
		c.ValidArgsFunction = a.completePatterns
		_ = c.RegisterFlagCompletionFunc("disk", a.completeDisks)
	}
	if c, _, err := root.Find([]string{"status"}); err == nil {
		_ = c.RegisterFlagCompletionFunc("lose", a.completeDisks)
	}
	for _, name := range []string{"tree", "ncdu", "ls"} {
		if c, _, err := root.Find([]string{name}); err == nil {
			if c.ValidArgsFunction == nil {
				c.ValidArgsFunction = firstArg(a.completeVPaths)
			}
			if c.Flags().Lookup("disk") != nil {
				_ = c.RegisterFlagCompletionFunc("disk", a.completeDisks)
			}
			if c.Flags().Lookup("lose") != nil {
				_ = c.RegisterFlagCompletionFunc("lose", a.completeDisks)
			}
		}
	}
}

func newCompletionCmd(a *app, root *cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script (or install it: dsb completion install)",
		Long: `Print the completion script for a shell. Disk names and virtual paths of
the catalog are completed too. 'dsb completion install' puts the script where
your shell finds it.`,
		Example:   "  dsb completion install\n  source <(dsb completion bash)\n  dsb completion fish > ~/.config/fish/completions/dsb.fish",
		Args:      argsRange(1, 1),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: func(cmd *cobra.Command, args []string) error {
			script, err := completionScript(root, args[0])
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(script)
			return err
		},
	}
	var shell string
	install := &cobra.Command{
		Use:     "install [--shell SHELL]",
		Short:   "Install the completion script for your shell (per user)",
		Example: "  dsb completion install\n  dsb completion install --shell zsh",
		Args:    argsRange(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if shell == "" {
				shell = filepath.Base(a.getenv("SHELL"))
			}
			path, hint, err := completionPath(shell, a.getenv)
			if err != nil {
				return err
			}
			script, err := completionScript(root, shell)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := objects.WriteFileAtomic(path, script, 0o644); err != nil {
				return err
			}
			if a.json {
				a.put(outputSummary{cmd: "completion install", Output: path})
			}
			a.printf("installed %s completion in %s\n%s", shell, path, hint)
			return nil
		},
	}
	install.Flags().StringVar(&shell, "shell", "", "bash, zsh or fish (default: from $SHELL)")
	cmd.AddCommand(install)
	return cmd
}

func completionScript(root *cobra.Command, shell string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch shell {
	case "bash":
		b.WriteString(bashCompletion)
	case "zsh":
		b.WriteString(zshCompletion)
	case "fish":
		err = root.GenFishCompletion(&b, true)
	case "powershell":
		err = root.GenPowerShellCompletionWithDesc(&b)
	default:
		return nil, usageError{fmt.Errorf("unknown shell %q: use bash, zsh, fish or powershell", shell)}
	}
	return b.Bytes(), err
}

// completionPath is where each shell looks for per-user completions.
func completionPath(shell string, getenv func(string) string) (string, string, error) {
	home := getenv("HOME")
	data := getenv("XDG_DATA_HOME")
	if data == "" {
		data = filepath.Join(home, ".local", "share")
	}
	config := getenv("XDG_CONFIG_HOME")
	if config == "" {
		config = filepath.Join(home, ".config")
	}
	switch shell {
	case "bash":
		return filepath.Join(data, "bash-completion", "completions", "dsb"),
			"bash-completion loads it in new shells (Debian: apt install bash-completion)\n", nil
	case "zsh":
		return filepath.Join(home, ".zfunc", "_dsb"),
			"add to ~/.zshrc, before compinit:  fpath=(~/.zfunc $fpath); autoload -U compinit; compinit\n", nil
	case "fish":
		return filepath.Join(config, "fish", "completions", "dsb.fish"), "fish loads it in new shells\n", nil
	}
	return "", "", usageError{fmt.Errorf("cannot install for shell %q: use --shell bash, zsh or fish (or print the script with 'dsb completion %s')", shell, shell)}
}
