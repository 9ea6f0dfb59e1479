package main

// The records of --json output: one Go type per record type, each field
// named as README's "JSON output" table documents it (TestScripts/json_readme
// checks the table against what every command prints, both ways).

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// record is one JSON Lines object; recordType is its "type" field.
type record interface{ recordType() string }

// put writes one record as a JSON line, "type" first so that a reader
// scanning by eye (or with grep) sees it at once.
func (a *app) put(r record) {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // records hold only plain values
	}
	head := fmt.Sprintf(`{"type":%q`, r.recordType())
	if s, ok := r.(summary); ok {
		head += fmt.Sprintf(`,"command":%q`, s.command())
	}
	if len(b) > 2 {
		head += ","
	}
	fmt.Fprintf(a.stdout, "%s%s\n", head, b[1:])
}

// b64 is the raw bytes of a name that is not valid UTF-8 (JSON would
// replace them), and "" for every other name.
func b64(p string) string {
	if utf8.ValidString(p) {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(p))
}

// entryFields are what file, symlink and special records share.
type entryFields struct {
	Path    string   `json:"path"`
	PathB64 string   `json:"path_b64,omitempty"`
	Size    int64    `json:"size"`
	MTime   string   `json:"mtime"`
	Mode    string   `json:"mode"`
	UID     *int64   `json:"uid,omitempty"` // nil: not recorded (imported)
	GID     *int64   `json:"gid,omitempty"`
	Disks   []string `json:"disks"`
}

type fileRecord struct {
	entryFields
	SHA256 *string `json:"sha256"` // null while the file needs hashing
}

type symlinkRecord struct {
	entryFields
	Target    string `json:"target"`
	TargetB64 string `json:"target_b64,omitempty"`
}

type specialRecord struct {
	entryFields
	Kind string `json:"kind"`
	RDev uint64 `json:"rdev"`
}

type updateChangeRecord struct {
	Kind    string `json:"kind"`
	Path    string `json:"path"`
	PathB64 string `json:"path_b64,omitempty"`
	From    string `json:"from,omitempty"`
	FromB64 string `json:"from_b64,omitempty"`
}

type configChangeRecord struct {
	Change string `json:"change"`
	DryRun bool   `json:"dry_run"`
}

type sourceRecord struct {
	VPath    string `json:"vpath"`
	VPathB64 string `json:"vpath_b64,omitempty"`
	Path     string `json:"path"`
	PathB64  string `json:"path_b64,omitempty"`
}

type excludeJSON struct {
	Pattern string `json:"pattern"`
	SetOn   string `json:"set_on"`
}

type settingsRecord struct {
	VPath              string        `json:"vpath"`
	Excludes           []excludeJSON `json:"excludes"`
	Hide               bool          `json:"hide"`
	Lock               bool          `json:"lock"`
	FollowSymlinks     bool          `json:"follow_symlinks"`
	Copies             int           `json:"copies"`
	Priority           int           `json:"priority"`
	KeepHistorySeconds float64       `json:"keep_history_seconds"`
	KeepHistorySetOn   string        `json:"keep_history_set_on"`
	KeepDaily          int           `json:"keep_daily"`
	KeepWeekly         int           `json:"keep_weekly"`
	KeepMonthly        int           `json:"keep_monthly"`
	ThinningSetOn      string        `json:"thinning_set_on"`
}

type bitrotRecord struct {
	Path      string   `json:"path"`
	PathB64   string   `json:"path_b64,omitempty"`
	OldSHA256 string   `json:"old_sha256"`
	NewSHA256 string   `json:"new_sha256"`
	Disks     []string `json:"disks"`
}

type diskRecord struct {
	Name           string  `json:"name"`
	UUID           string  `json:"uuid"`
	Attached       string  `json:"attached"`
	LastPath       string  `json:"last_path"`
	Budget         int64   `json:"budget"`
	SizeConfigured int64   `json:"size_configured"`
	Used           int64   `json:"used"`
	UsedAllocated  int64   `json:"used_allocated"`
	Free           int64   `json:"free"`
	Objects        int64   `json:"objects"`
	LastSeen       *string `json:"last_seen"`
	LastVerified   *string `json:"last_verified"`
	OldestVerified *string `json:"oldest_verified"`
	Lost           bool    `json:"lost"`
}

// tallyJSON is objects and bytes at one copy count.
type tallyJSON struct {
	Copies  int   `json:"copies"`
	Objects int64 `json:"objects"`
	Bytes   int64 `json:"bytes"`
}

type levelRecord tallyJSON

type transitionJSON struct {
	Label   string `json:"label"`
	Objects int64  `json:"objects"`
	Bytes   int64  `json:"bytes"`
}

type planRecord struct {
	Disk           string           `json:"disk"`
	Budget         int64            `json:"budget"`
	ObjectsBudget  int64            `json:"objects_budget"`
	Reserve        int64            `json:"reserve"`
	Dirs           int64            `json:"dirs"`
	Foreign        int64            `json:"foreign"`
	Measured       bool             `json:"measured"`
	UsedBefore     int64            `json:"used_before"`
	UsedAfter      int64            `json:"used_after"`
	Transitions    []transitionJSON `json:"transitions"`
	LevelsBefore   []tallyJSON      `json:"levels_before"`
	LevelsAfter    []tallyJSON      `json:"levels_after"`
	WaitingObjects int64            `json:"waiting_objects"`
	WaitingBytes   int64            `json:"waiting_bytes"`
	RefusedObjects int64            `json:"refused_objects"`
	// Unreadable and offline objects are left out of the plan: see
	// backup.Prepared.
	UnreadableObjects int64 `json:"unreadable_objects"`
	OfflineObjects    int64 `json:"offline_objects"`
}

type pinnedRecord struct {
	Path    string  `json:"path"`
	PathB64 string  `json:"path_b64,omitempty"`
	SHA256  string  `json:"sha256"`
	Size    int64   `json:"size"`
	Until   *string `json:"until"`
	Copies  int     `json:"copies"`
}

type historyPolicyRecord struct {
	KeepHistorySeconds float64 `json:"keep_history_seconds"`
	PathsSet           int     `json:"paths_set"`
}

type actionRecord struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Path   string `json:"path"` // a file with this content ("" for history only)
	More   int64  `json:"more"` // how many other files have it
	From   int    `json:"from"`
	To     int    `json:"to"`
	Why    string `json:"why"`
}

type reconcileRecord struct {
	Disk        string `json:"disk"`
	Present     int64  `json:"present"`
	Missing     int64  `json:"missing"`
	Adopted     int64  `json:"adopted"`
	Quarantined int64  `json:"quarantined"`
	Junk        int    `json:"junk"`
	TempRemoved int    `json:"temp_removed"`
}

type missingRecord struct {
	Disks []string `json:"disks"`
	Files int64    `json:"files"`
	Bytes int64    `json:"bytes"`
	Paths []string `json:"paths"` // the first few of those files
}

type planDiskRecord struct {
	Disk  string `json:"disk"`
	Files int64  `json:"files"`
	Bytes int64  `json:"bytes"`
}

type problemRecord struct {
	Disk   string `json:"disk"`
	Kind   string `json:"kind"`
	SHA256 string `json:"sha256"`
	Path   string `json:"path"` // junk: the file's path on the disk
	File   string `json:"file"` // a file with this content, and "+N more"
	Error  string `json:"error"`
}

type holderJSON struct {
	Disk       string  `json:"disk"`
	Lost       bool    `json:"lost"`
	VerifiedAt *string `json:"verified_at"`
}

type nextJSON struct {
	Disk string `json:"disk"`
	Why  string `json:"why"`
}

type whyRecord struct {
	Path     string       `json:"path"`
	PathB64  string       `json:"path_b64,omitempty"`
	Size     int64        `json:"size"`
	MTime    string       `json:"mtime"`
	SHA256   *string      `json:"sha256"` // null: no object (empty, symlink, not hashed)
	Target   int          `json:"target"`
	Priority int          `json:"priority"`
	Copies   int          `json:"copies"`
	Imported bool         `json:"imported"`
	Offline  bool         `json:"offline"`
	Disks    []holderJSON `json:"disks"`
	Next     []nextJSON   `json:"next"`
}

type filesBytes struct {
	Files int64 `json:"files"`
	Bytes int64 `json:"bytes"`
}

type byCopiesJSON struct {
	Copies int   `json:"copies"`
	Files  int64 `json:"files"`
	Bytes  int64 `json:"bytes"`
}

type dirRecord struct {
	Path      string         `json:"path"`
	PathB64   string         `json:"path_b64,omitempty"`
	Depth     int            `json:"depth"`
	Files     int64          `json:"files"`
	Bytes     int64          `json:"bytes"`
	ByCopies  []byCopiesJSON `json:"by_copies"`
	NoContent filesBytes     `json:"no_content"`
}

type snapshotRecord struct {
	Disk string `json:"disk"`
	At   string `json:"at"`
	Dir  string `json:"dir"`
}

type errorRecord struct {
	Error string `json:"error"`
	Hint  string `json:"hint"`
	Exit  int    `json:"exit"`
}

func (fileRecord) recordType() string          { return "file" }
func (symlinkRecord) recordType() string       { return "symlink" }
func (specialRecord) recordType() string       { return "special" }
func (updateChangeRecord) recordType() string  { return "change" }
func (configChangeRecord) recordType() string  { return "config_change" }
func (sourceRecord) recordType() string        { return "source" }
func (settingsRecord) recordType() string      { return "settings" }
func (bitrotRecord) recordType() string        { return "bitrot" }
func (diskRecord) recordType() string          { return "disk" }
func (levelRecord) recordType() string         { return "level" }
func (planRecord) recordType() string          { return "plan" }
func (pinnedRecord) recordType() string        { return "pinned" }
func (historyPolicyRecord) recordType() string { return "history_policy" }
func (actionRecord) recordType() string        { return "action" }
func (reconcileRecord) recordType() string     { return "reconcile" }
func (missingRecord) recordType() string       { return "missing" }
func (planDiskRecord) recordType() string      { return "plan_disk" }
func (problemRecord) recordType() string       { return "problem" }
func (whyRecord) recordType() string           { return "why" }
func (dirRecord) recordType() string           { return "dir" }
func (snapshotRecord) recordType() string      { return "snapshot" }
func (errorRecord) recordType() string         { return "error" }
