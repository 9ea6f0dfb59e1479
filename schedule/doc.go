// Package schedule writes what runs dsb unattended: systemd user units (a
// timer that runs dsb update every night, and a service that backs up the
// attached disks whenever a known disk's filesystem is mounted) and the
// crontab lines that do the same where there is no systemd.
//
// It only produces text; writing the files and enabling the units is the
// caller's (dsb schedule install) and the user's (systemctl --user).
package schedule
