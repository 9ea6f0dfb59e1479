-- A digest of each directory's listing (every entry's name, kind and stat:
-- size, mtime, ctime, birth time, inode, device, mode, owners) as an update
-- saw it, stored only when every entry was found unchanged against its file
-- row by the full identity check. A later update whose listing has the same
-- digest knows every entry is still unchanged without reading the rows.
-- Any change to a file row of the directory, or its removal, drops the
-- digest, so it never vouches for rows it was not checked against.
CREATE TABLE dir_listings(
  dir    INTEGER PRIMARY KEY,
  digest BLOB NOT NULL
);
CREATE TRIGGER dir_listings_file_insert AFTER INSERT ON files BEGIN
  DELETE FROM dir_listings WHERE dir = NEW.dir;
END;
CREATE TRIGGER dir_listings_file_update AFTER UPDATE ON files BEGIN
  DELETE FROM dir_listings WHERE dir IN (OLD.dir, NEW.dir);
END;
CREATE TRIGGER dir_listings_file_delete AFTER DELETE ON files BEGIN
  DELETE FROM dir_listings WHERE dir = OLD.dir;
END;
CREATE TRIGGER dir_listings_dir_delete AFTER DELETE ON dirs BEGIN
  DELETE FROM dir_listings WHERE dir = OLD.id;
END;
