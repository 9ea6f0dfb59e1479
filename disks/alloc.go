package disks

// Allocated bytes, as a filesystem counts them: what `du --block-size=1`
// reports, and what a budget bounds. These are upper bounds, so that a
// plan counted with them never takes more room than the budget.

// DefaultBlockSize is assumed for a disk never measured.
const DefaultBlockSize = 4096

// ObjectCost is the room an object file of size bytes takes on a
// filesystem with blocks of block bytes: its size rounded up to whole
// blocks, one more block for the extent (or indirect) tree of a file too
// large to be described inside its inode (more than 4 blocks, ext4's
// in-inode extent count), and its share of its directory (DirShare).
func ObjectCost(size, block int64) int64 {
	if block <= 0 {
		block = DefaultBlockSize
	}
	blocks := (max(size, 0) + block - 1) / block
	if blocks > 4 {
		blocks++
	}
	return blocks*block + DirShare(block)
}

// DirShare is what one object's name adds to its objects/<h3> directory,
// beyond that directory's first block (ShardCost): an ext4 entry of a
// 64-character name takes 72 bytes, and hashed directories split their
// blocks half full at worst; a FAT or exFAT entry of such a name takes
// 7 × 32 bytes. A sixteenth of a block (at least 256 bytes) covers both.
func DirShare(block int64) int64 {
	return max(block/16, 256)
}

// ShardCost is the first block of one objects/<h3> directory.
func ShardCost(block int64) int64 {
	if block <= 0 {
		return DefaultBlockSize
	}
	return block
}

// ObjectsDirCost bounds objects/ itself holding up to shards entries of
// 3-byte names (16 bytes each on ext4, 64 on FAT): its first block, an
// index block once it has more than one, and the entries.
func ObjectsDirCost(block, shards int64) int64 {
	if block <= 0 {
		block = DefaultBlockSize
	}
	entries := (min(shards, 4096)*64 + block - 1) / block * block
	if entries > block {
		entries += block
	}
	return block + entries
}
