package config

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"dsb/catalog"
)

// Edit writes cat's configuration to a temporary file, has the user edit it
// with run(editor, file), and applies the result. When the document does not
// parse or apply, Edit prints the error on out and asks "re-edit? [Y/n]",
// reading the answer from in: the editor opens the same file again, edits
// kept; "n" or the end of in gives up with ErrAborted, nothing changed. An
// unchanged file changes nothing.
func Edit(ctx context.Context, cat *catalog.Catalog, editor string, in io.Reader, out io.Writer,
	run func(editor, file string) error) (Changes, error) {
	c, err := Export(ctx, cat)
	if err != nil {
		return Changes{}, err
	}
	orig, err := c.Marshal()
	if err != nil {
		return Changes{}, err
	}
	name, err := writeTemp(orig)
	if err != nil {
		return Changes{}, err
	}
	defer os.Remove(name)
	answers := bufio.NewReader(in)
	for {
		if err := run(editor, name); err != nil {
			return Changes{}, fmt.Errorf("run editor %q: %w", editor, err)
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return Changes{}, err
		}
		if bytes.Equal(data, orig) {
			return Changes{}, nil
		}
		ch, err := parseApply(ctx, cat, data)
		var bad *Error
		if !errors.As(err, &bad) {
			return ch, err
		}
		fmt.Fprintf(out, "%s: %v\n", name, err)
		if !reEdit(answers, out) {
			return Changes{}, ErrAborted
		}
	}
}

func parseApply(ctx context.Context, cat *catalog.Catalog, data []byte) (Changes, error) {
	c, err := Parse(data)
	if err != nil {
		return Changes{}, err
	}
	return Apply(ctx, cat, c)
}

func writeTemp(data []byte) (string, error) {
	f, err := os.CreateTemp("", "dsb-config-*.json")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}

// reEdit asks whether to edit again; yes is the default, the end of the
// input is no.
func reEdit(answers *bufio.Reader, out io.Writer) bool {
	for {
		fmt.Fprint(out, "re-edit? [Y/n] ")
		line, err := answers.ReadString('\n')
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true
		case "":
			return err == nil
		case "n", "no":
			return false
		}
		if err != nil {
			return false
		}
		fmt.Fprintln(out, "please answer y or n")
	}
}

// EditorCommand returns the command that opens file in editor. The editor
// may carry arguments ("code --wait"), as $VISUAL and $EDITOR commonly do,
// so it goes through the shell; the file name does not.
func EditorCommand(editor, file string) *exec.Cmd {
	return exec.Command("/bin/sh", "-c", editor+` "$1"`, "sh", file)
}
