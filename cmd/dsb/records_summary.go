package main

// The summary records: one per command, printed last. Each type names its
// command; put writes it as the "command" field after "type".

// summary is a record closing one command's output.
type summary interface {
	record
	command() string
}

type updateSummary struct {
	New         int64   `json:"new"`
	Changed     int64   `json:"changed"`
	Renamed     int64   `json:"renamed"`
	Deleted     int64   `json:"deleted"`
	Unchanged   int64   `json:"unchanged"`
	Symlinks    int64   `json:"symlinks"`
	Dirs        int64   `json:"dirs"`
	Empty       int64   `json:"empty"`
	Special     int64   `json:"special"`
	Skipped     int64   `json:"skipped"`
	Errors      int64   `json:"errors"`
	Offline     int64   `json:"offline"`
	BitRot      int     `json:"bitrot"`
	BytesHashed int64   `json:"bytes_hashed"`
	Seconds     float64 `json:"seconds"`
}

type backupSummary struct {
	Disk           string  `json:"disk"`
	Copied         int64   `json:"copied"`
	BytesCopied    int64   `json:"bytes_copied"`
	Deleted        int64   `json:"deleted"`
	BytesDeleted   int64   `json:"bytes_deleted"`
	Skipped        int64   `json:"skipped"`
	Stopped        string  `json:"stopped"`
	WaitingObjects int64   `json:"waiting_objects"`
	WaitingBytes   int64   `json:"waiting_bytes"`
	TooLarge       int64   `json:"too_large"`
	Seconds        float64 `json:"seconds"`
}

type statusSummary struct {
	Objects           int64    `json:"objects"`
	Bytes             int64    `json:"bytes"`
	AtRiskObjects     int64    `json:"at_risk_objects"`
	AtRiskBytes       int64    `json:"at_risk_bytes"`
	AtTargetObjects   int64    `json:"at_target_objects"`
	AtTargetBytes     int64    `json:"at_target_bytes"`
	Lose              []string `json:"lose"`
	UnconfirmedCopies int64    `json:"unconfirmed_copies"`
}

type restoreSummary struct {
	To           string `json:"to"`
	Restored     int64  `json:"restored"`
	Already      int64  `json:"already"`
	Conflicts    int64  `json:"conflicts"`
	Failed       int64  `json:"failed"`
	Bytes        int64  `json:"bytes"`
	Dirs         int64  `json:"dirs"`
	MissingFiles int64  `json:"missing_files"`
	MissingBytes int64  `json:"missing_bytes"`
}

type restorePlanSummary struct {
	Disks          int   `json:"disks"`
	Files          int64 `json:"files"`
	Bytes          int64 `json:"bytes"`
	UncoveredFiles int64 `json:"uncovered_files"`
	UncoveredBytes int64 `json:"uncovered_bytes"`
}

type verifySummary struct {
	Disk           string `json:"disk"`
	Verified       int64  `json:"verified"`
	Bytes          int64  `json:"bytes"`
	Corrupt        int64  `json:"corrupt"`
	Missing        int64  `json:"missing"`
	Unknown        int64  `json:"unknown"`
	Junk           int64  `json:"junk"`
	Remaining      int64  `json:"remaining"`
	RemainingBytes int64  `json:"remaining_bytes"`
	Complete       bool   `json:"complete"`
}

type importSummary struct {
	DryRun       bool     `json:"dry_run"`
	Files        int64    `json:"files"`
	Empty        int64    `json:"empty"`
	Symlinks     int64    `json:"symlinks"`
	Objects      int64    `json:"objects"`
	Copies       int64    `json:"copies"`
	Disks        int      `json:"disks"`
	Sources      int      `json:"sources"`
	Translated   []string `json:"translated"`
	Untranslated []string `json:"untranslated"`
	Notices      []string `json:"notices"`
	Rehash       []string `json:"rehash"`
}

type convertSummary struct {
	Disk           string   `json:"disk"`
	UUID           string   `json:"uuid"`
	Moved          bool     `json:"moved"`
	DistbackupLink bool     `json:"distbackup_link"`
	Removed        []string `json:"removed"`
}

type sourceMapSummary struct {
	VPath    string `json:"vpath"`
	Path     string `json:"path"`
	Previous string `json:"previous"` // the directory it was mapped to before ("" when new)
}

type sourceUnmapSummary struct {
	VPath string `json:"vpath"`
	Files int64  `json:"files"` // files that leave the catalog at the next update
}

type diskRemoveSummary struct {
	Disk string `json:"disk"`
	UUID string `json:"uuid"`
}

type diskReidentifySummary struct {
	Disk         string `json:"disk"`
	Path         string `json:"path"`
	RecognisedBy string `json:"recognised_by"`
}

// configSummary closes config import and config edit.
type configSummary struct {
	cmd     string
	DryRun  bool `json:"dry_run"`
	Changes int  `json:"changes"`
}

type acceptSummary struct {
	Path     string `json:"path"`
	Accepted int64  `json:"accepted"`
}

type adoptSummary struct {
	Disk        string `json:"disk"`
	At          string `json:"at"`
	Catalog     string `json:"catalog"`
	Snapshots   int    `json:"snapshots"`
	Unconfirmed int64  `json:"unconfirmed"`
	OtherDisks  int    `json:"other_disks"`
}

// outputSummary closes a command whose product is a file (ncdu -o,
// config export FILE, completion install).
type outputSummary struct {
	cmd    string
	Output string `json:"output"`
}

func (updateSummary) command() string         { return "update" }
func (backupSummary) command() string         { return "backup" }
func (statusSummary) command() string         { return "status" }
func (restoreSummary) command() string        { return "restore" }
func (restorePlanSummary) command() string    { return "restore-plan" }
func (verifySummary) command() string         { return "verify" }
func (importSummary) command() string         { return "import distbackup" }
func (convertSummary) command() string        { return "disk convert" }
func (sourceMapSummary) command() string      { return "source map" }
func (sourceUnmapSummary) command() string    { return "source unmap" }
func (diskRemoveSummary) command() string     { return "disk remove" }
func (diskReidentifySummary) command() string { return "disk reidentify" }
func (s configSummary) command() string       { return s.cmd }
func (acceptSummary) command() string         { return "accept" }
func (adoptSummary) command() string          { return "catalog adopt" }
func (s outputSummary) command() string       { return s.cmd }

func (updateSummary) recordType() string         { return "summary" }
func (backupSummary) recordType() string         { return "summary" }
func (statusSummary) recordType() string         { return "summary" }
func (restoreSummary) recordType() string        { return "summary" }
func (restorePlanSummary) recordType() string    { return "summary" }
func (verifySummary) recordType() string         { return "summary" }
func (importSummary) recordType() string         { return "summary" }
func (convertSummary) recordType() string        { return "summary" }
func (sourceMapSummary) recordType() string      { return "summary" }
func (sourceUnmapSummary) recordType() string    { return "summary" }
func (diskRemoveSummary) recordType() string     { return "summary" }
func (diskReidentifySummary) recordType() string { return "summary" }
func (configSummary) recordType() string         { return "summary" }
func (acceptSummary) recordType() string         { return "summary" }
func (adoptSummary) recordType() string          { return "summary" }
func (outputSummary) recordType() string         { return "summary" }
