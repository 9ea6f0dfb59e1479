package main

import (
	"errors"
	"io"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/config"
	"dsb/objects"
)

func newConfigCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Export, import or edit the configuration (sources, settings, disks) as JSON",
		Example: `  dsb config export > dsb-config.json
  dsb --db /other/dsb.sqlite config import dsb-config.json
  dsb config edit`,
	}
	cmd.AddCommand(newConfigExportCmd(a), newConfigImportCmd(a), newConfigEditCmd(a))
	return cmd
}

func newConfigExportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "export [FILE]",
		Short:   "Write the configuration as JSON (to stdout, or FILE)",
		Example: "  dsb config export\n  dsb config export backup-config.json",
		Args:    argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withCatalog(cmd.Context(), false, func(cat *catalog.Catalog) error {
				c, err := config.Export(cmd.Context(), cat)
				if err != nil {
					return err
				}
				data, err := c.Marshal()
				if err != nil {
					return err
				}
				if len(args) == 0 || args[0] == "-" {
					_, err = a.stdout.Write(data)
					return err
				}
				if err := objects.WriteFileAtomic(args[0], data, 0o644); err != nil {
					return err
				}
				if a.json {
					a.put(outputSummary{cmd: "config export", Output: absPath(args[0])})
				}
				return nil
			})
		},
	}
}

func newConfigImportCmd(a *app) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "import FILE|-",
		Short: "Make the catalog's sources, settings and disk names/budgets match a JSON document",
		Long: `Make the catalog match the document: sources are mapped, re-mapped and
unmapped, settings set and cleared, disks (matched by UUID) renamed and
resized. Everything is checked first: a document with an error changes
nothing, and the error names the key.`,
		Example: "  dsb config import dsb-config.json\n  dsb config export | dsb --db /new/dsb.sqlite config import -",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var data []byte
			var err error
			if args[0] == "-" {
				data, err = io.ReadAll(a.stdin)
			} else {
				data, err = os.ReadFile(args[0])
			}
			if err != nil {
				return err
			}
			c, err := config.Parse(data)
			if err != nil {
				return configError(err)
			}
			cat, err := a.createCatalog(cmd.Context())
			if err != nil {
				return err
			}
			defer cat.Close()
			var ch config.Changes
			if dryRun {
				ch, err = config.Plan(cmd.Context(), cat, c)
			} else {
				ch, err = config.Apply(cmd.Context(), cat, c)
			}
			if err != nil {
				return configError(err)
			}
			a.configChanges("config import", ch, dryRun)
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only say what would change")
	return cmd
}

func newConfigEditCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "edit",
		Short:   "Edit the configuration in $EDITOR; it is checked and applied when you save",
		Example: "  dsb config edit\n  EDITOR=nano dsb config edit",
		Args:    argsRange(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			editor := a.getenv("VISUAL")
			if editor == "" {
				editor = a.getenv("EDITOR")
			}
			if editor == "" {
				editor = "vi"
			}
			return a.withCatalog(cmd.Context(), true, func(cat *catalog.Catalog) error {
				run := func(editor, file string) error {
					c := config.EditorCommand(editor, file)
					c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
					if in, ok := a.stdin.(*os.File); ok {
						c.Stdin = in
					}
					return c.Run()
				}
				ch, err := config.Edit(cmd.Context(), cat, editor, a.stdin, a.stderr, run)
				if errors.Is(err, config.ErrAborted) {
					return errors.New("config edit abandoned; nothing was changed")
				}
				if err != nil {
					return configError(err)
				}
				a.configChanges("config edit", ch, false)
				return nil
			})
		},
	}
}

// configError adds the hint that a refused document changed nothing.
func configError(err error) error {
	var ce *config.Error
	var ee *exec.ExitError
	if errors.As(err, &ce) {
		return errors.New("config: " + ce.Error() + " (nothing was changed)")
	}
	if errors.As(err, &ee) {
		return errors.New("the editor failed: " + err.Error() + " (nothing was changed)")
	}
	return err
}

func (a *app) configChanges(cmd string, ch config.Changes, dryRun bool) {
	prefix := ""
	if dryRun {
		prefix = "would: "
	}
	for _, l := range ch.Lines() {
		a.logf("config: %s", l)
		if a.json {
			a.put(configChangeRecord{Change: l, DryRun: dryRun})
			continue
		}
		a.printf("%s%s\n", prefix, l)
	}
	if ch.Empty() {
		a.printf("nothing to change\n")
	}
	if a.json {
		a.put(configSummary{cmd: cmd, DryRun: dryRun, Changes: len(ch.Lines())})
	}
}
