// Package safeio holds the file-safety primitives of an eqsim run: reads
// that are bounded and refuse special files, one owner per run folder,
// removal of the temporary files of killed writers, and commits of several
// files that no kill leaves half done. It imports nothing of eqsim.
//
// # Reads
//
// ReadFile and Open read only a regular file (after symbolic links) of at
// most a given size, and their errors are an *Error whose Kind says what
// is wrong (NotExist, NotRegular, TooLarge, or Other with the system's
// error) and whose message starts with the path. They return within
// milliseconds for any file: a device (/dev/zero), a named pipe without a
// writer, a socket or a directory is refused by its type, and opened, if
// at all, without blocking. A file that grows after it was checked is
// read up to its limit and one byte, then refused. The constants MaxNetlist,
// MaxCSV, MaxIDX, MaxNpy and MaxState are the limits of the files eqsim
// reads, each with the reason for its size; a LimitedReader bounds a
// stream, such as the data decompressed from an IDX .gz file.
//
// # Run folders
//
// Lock makes a process the one owner of a folder by an OS lock (flock) on
// the file .eqsim.lock in it, which holds the owner's process id. A second
// process, or a second Lock in the same process, is refused at once with a
// *LockedError that names the folder and the holder's process id. The OS
// releases the lock when its process ends, by kill -9 too; the file stays
// and means nothing by itself.
//
// The owner writes its outputs with Commit: the files of one commit (a
// trained netlist, its metrics and the checkpoint they came from) are at
// their plain paths in the folder, and once the folder is locked again
// they are all of the last commit that happened, never a mix of two. A
// commit happens when its journal, .eqsim-commit, is in place; Lock
// completes a commit that a kill interrupted after that, and removes the
// temporary files of a commit, or of any atomic write (see TempPattern),
// that a kill interrupted before. Programs that read the folder without
// locking it may see two commits mixed during the milliseconds of a
// commit's renames, and the guarantees after a power failure are those of
// a file system that keeps the order of fsync and rename (Linux's ext4,
// xfs and btrfs do). CommitUnsynced is as atomic against a kill, without
// the syncs that make a commit survive a power failure: for commits more
// frequent than syncs can afford, followed now and then by a Commit.
//
// Linux is the target. macOS and the BSDs have flock too; on other
// systems the package compiles but Lock does not exclude other processes.
package safeio
