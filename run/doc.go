// Package run trains one network: the training run that eqsim train and
// every run of a sweep are.
//
// A Session is a netlist's network with its training settings resolved:
// the netlist's [training] section, then Overrides (what eqsim train's
// flags set), then eqprop's defaults. Load reads its data set. Train runs
// the epochs from the trainer's state to Config.Epochs.
//
// With an output folder (Options.Out) Train holds the folder for its
// whole life with an OS lock (a folder another process holds gives a
// *safeio.LockedError at once) and commits into it, as one safeio commit,
// after every epoch, every Options.SaveEvery within an epoch and when the
// run stops:
//
//	BASE.toml, BASE.*.npy   the trained netlist and its .npy sidecars
//	metrics.csv, .jsonl     one row per epoch (Metrics)
//	curves.png, curves.svg  losses and errors against the epoch
//	checkpoint/             the state to resume from (ReadCheckpoint)
//
// so that a kill loses at most one epoch or SaveEvery of work and never
// leaves outputs without the checkpoint they came from. It tests the
// network after every epoch. A run whose context is cancelled stops after
// the current batch, commits and returns an *Interrupted error;
// Options.Resume continues it, with the same netlist and settings (but
// the number of epochs and workers), to the conductances, bit for bit, of
// a run never interrupted. A folder that holds an unfinished run, or a
// checkpoint that cannot be trusted, is not overwritten.
//
// Without an output folder nothing is written and the network is tested
// only after the last epoch: that is a run of a sweep.
//
// Errors say whose fault they are: an *InputError is bad input (the
// netlist, the settings, the data, a data file the netlist names that
// cannot be read, a checkpoint that cannot be trusted), nothing was
// written; a *Failed is a run that failed numerically; IDX data files
// that are not found give errors for which errors.Is(err, fs.ErrNotExist)
// holds.
package run
