package report

import (
	"bufio"
	"context"
	"io"
	"strconv"
	"time"

	"dsb/catalog"
	"dsb/vpath"
)

// NcduOptions fill the header of an ncdu export.
type NcduOptions struct {
	Version string    // dsb's version, for "progver"
	Now     time.Time // for "timestamp"; zero leaves it out
	Filter  *Filter   // the files written (nil: all; Lose recounts copies); every directory is written
}

// WriteNcdu writes the virtual tree under root in ncdu's JSON export format
// (version 1.2: `ncdu -f FILE` browses it). Each file with content carries
// the extra key "dsb_copies", its copy count (ncdu ignores keys it does not
// know); empty files and symlinks have none. Sizes are the files' sizes,
// as both apparent size and disk usage.
//
// Names are written as ncdu writes them: the bytes as they are, with only
// '"', '\\' and control characters escaped. ncdu reads a name's bytes back
// exactly, including bytes that are not UTF-8, but turns a \u escape of a
// UTF-16 surrogate pair into garbage, so nothing else is escaped.
func WriteNcdu(ctx context.Context, cat *catalog.Catalog, w io.Writer, root string, opt NcduOptions) error {
	t, rootID, err := lookupRoot(ctx, cat, root)
	if err != nil {
		return err
	}
	nw := &ncduWriter{w: bufio.NewWriter(w), t: t, order: t.Subtree(rootID), pos: map[int64]int{}}
	for i, id := range nw.order {
		nw.pos[id] = i
	}
	keep := func(*catalog.Entry) bool { return true }
	if opt.Filter != nil {
		if keep, err = opt.Filter.Matcher(ctx, cat); err != nil {
			return err
		}
	}
	nw.header(opt)
	err = cat.ListFiles(ctx, vpath.Selector{Root: t.Path(rootID)}, func(e catalog.Entry) error {
		if keep(&e) && nw.enter(e.Dir) {
			nw.file(e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	nw.enter(-1) // open the directories after the last file
	for range nw.open {
		nw.w.WriteByte(']')
	}
	nw.w.WriteString("]\n")
	return nw.w.Flush()
}

// ncduWriter writes the directories in the order of a pre-order walk,
// keeping the path from the root to the current directory open.
type ncduWriter struct {
	w     *bufio.Writer
	t     *catalog.DirTree
	order []int64       // every directory under the root, in pre-order
	pos   map[int64]int // directory → index in order
	next  int           // index in order of the next directory to open
	open  []int64       // the open directories, root first
}

func (n *ncduWriter) header(opt NcduOptions) {
	n.w.WriteString(`[1,2,{"progname":"dsb","progver":`)
	writeString(n.w, opt.Version)
	if !opt.Now.IsZero() {
		n.w.WriteString(`,"timestamp":`)
		n.w.WriteString(strconv.FormatInt(opt.Now.Unix(), 10))
	}
	n.w.WriteString("}")
}

// enter opens directories, in order, until dir is the current one; -1
// opens them all. It reports false for a directory that is not ahead (one
// created after the tree was read), whose files are then left out.
func (n *ncduWriter) enter(dir int64) bool {
	if len(n.open) > 0 && n.open[len(n.open)-1] == dir {
		return true
	}
	end := len(n.order) - 1
	if dir >= 0 {
		i, ok := n.pos[dir]
		if !ok || i < n.next {
			return false
		}
		end = i
	}
	for ; n.next <= end; n.next++ {
		n.openDir(n.order[n.next])
	}
	return true
}

func (n *ncduWriter) openDir(id int64) {
	d, _ := n.t.Dir(id)
	for len(n.open) > 0 && n.open[len(n.open)-1] != d.Parent {
		n.open = n.open[:len(n.open)-1]
		n.w.WriteByte(']')
	}
	name := d.Name
	if len(n.open) == 0 {
		name = n.t.Path(id) // the root carries its path, as in ncdu's own exports
	}
	n.open = append(n.open, id)
	n.w.WriteString(",\n[{\"name\":")
	writeString(n.w, name)
	n.field("mtime", max(d.MTime, 0)/1e9)
	n.w.WriteByte('}')
}

func (n *ncduWriter) file(e catalog.Entry) {
	n.w.WriteString(",\n{\"name\":")
	writeString(n.w, e.Name)
	n.field("asize", e.Size)
	n.field("dsize", e.Size)
	n.field("mtime", max(e.MTime, 0)/1e9)
	if e.Type == catalog.Symlink {
		n.w.WriteString(`,"notreg":true`)
	}
	if c, ok := copiesOf(e); ok {
		n.field("dsb_copies", int64(c))
	}
	n.w.WriteByte('}')
}

func (n *ncduWriter) field(key string, v int64) {
	n.w.WriteString(`,"` + key + `":`)
	n.w.WriteString(strconv.FormatInt(v, 10))
}

// writeString writes s as a JSON string the way ncdu does: bytes as they
// are, except '"', '\\' and control characters.
func writeString(w *bufio.Writer, s string) {
	const hex = "0123456789abcdef"
	w.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			w.WriteByte('\\')
			w.WriteByte(c)
		case c == '\n':
			w.WriteString(`\n`)
		case c == '\t':
			w.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			w.WriteString(`\u00`)
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&0xf])
		default:
			w.WriteByte(c)
		}
	}
	w.WriteByte('"')
}
