package description

// readmeText is README.txt on every disk: how to get the files back with
// nothing but coreutils (and sqlite3 for modes, times and history).
const readmeText = `This is a dsb backup disk.

  disk name:    %s
  disk uuid:    %s
  catalog uuid: %s
  written:      %s

WHAT IS HERE

  objects/abc/abc123...  One plain file per file content, named by the SHA-256
                         of its bytes. Not compressed, not encrypted: each object
                         is byte-identical to the original file.
  dsb-manifest.txt       One line per file whose content is on this disk:
                         "<sha256>  <path>", in the format of sha256sum(1).
                         Names with a backslash, newline or carriage return are
                         escaped (\\, \n, \r) and their line starts with "\".
  dsb.sqlite             A snapshot of the whole catalog (all files of all disks,
                         with sizes, modes, times, symlinks, history). SQLite 3.
  bad-objects/           Objects that failed verification, set aside.

RESTORE WITH DSB

  dsb --db /path/to/this/disk/dsb.sqlite restore --to /some/empty/dir

RESTORE WITH COREUTILS ONLY (bash)

  Run from this disk's directory; files go below $OUT. Each object is checked
  against its name with sha256sum before it is copied.

  OUT=/some/empty/dir
  while IFS= read -r line; do
    esc=; case $line in \\*) esc=1; line=${line#\\};; esac
    h=${line%%%%  *}; p=${line#*  }
    [ -n "$esc" ] && p=$(printf '%%b_' "$p") && p=${p%%_}   # undo \\ \n \r
    case /$p/ in */../*) echo "skipped unsafe path: $p" >&2; continue;; esac
    o=objects/${h:0:3}/$h
    if [ "$(sha256sum < "$o" | cut -c1-64)" = "$h" ]; then
      mkdir -p "$OUT/$(dirname "$p")" && cp --sparse=always "$o" "$OUT/$p"
    else echo "missing or damaged: $p" >&2; fi
  done < dsb-manifest.txt
  m=$PWD/dsb-manifest.txt
  (cd "$OUT" && sed 's#^\(\\\{0,1\}[0-9a-f]\{64\}  \)/#\1#' "$m" | sha256sum -c --quiet) && echo "all files verified"

  The last line checks every recovered file against the manifest with
  sha256sum -c (the sed makes the paths relative to $OUT).

MODES, TIMES, SYMLINKS, EMPTY FILES, HISTORY (sqlite3)

  sqlite3 dsb.sqlite "SELECT hex(o.hash), f.mode, f.mtime FROM files f JOIN objects o ON o.id=f.object"

  Table files: dir, name, type (0 file, 1 symlink), size, mtime (ns since 1970),
  mode (Go os.FileMode bits: permissions in the low 9 bits), object, target.
  Table dirs: id, parent, name (the root "/" is id 1). Table history: earlier
  versions (path, type (5: a directory), object, until). Table copies: which
  disk holds which object.
`

// ReadmeSize is the size of README.txt before its fields are filled in:
// what backup reserves room for.
const ReadmeSize = len(readmeText)
