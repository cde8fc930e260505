// Package sweep trains a netlist over a grid of parameters and seeds:
// the engine of eqsim sweep and eqsim sweep merge, importable from Go.
//
// A sweep spec is a TOML file of its own (see Spec) that names a base
// netlist, values to set on every point ([set]), axes ([[axis]]: a dotted
// path to a netlist key, such as "training.device.levels" or
// "crossbar[W1].wire_r", and its values, listed or as a linear or
// logarithmic grid) and seeds. ParseFile reads it, with errors that name
// the spec's file and line (*netlist.Error); Points lists its points
// (every combination in mode "grid"; the base and then one axis at a time
// in mode "each"), Tasks its runs (a point and a seed each), and LoadPoint
// parses the base netlist with a point's values (netlist.ParseOverridden).
//
// Run trains the runs of one Shard (all of them by default) as run.Train
// does without an output folder, several at a time, and writes into the
// output folder:
//
//	sweep.json          the Plan: what the folder's results belong to
//	points/KEY.json     one Result per finished run (Key names it)
//	results.csv         one row per run, once the runs are done (Merge)
//	summary.csv         per point: the metric's mean and spread over seeds
//	METRIC-AXIS.png     the metric against each axis, and .svg
//	METRIC-axes.png     every axis on one page, when there are several
//	METRIC-heatmap.png  for a grid of two axes
//
// Rerunning a sweep skips its finished runs, so a killed sweep resumes
// where it stopped; a folder holds the runs of one sweep only (its
// Fingerprint). Shards of one sweep, on the nodes of a cluster (SLURM job
// arrays and Kubernetes Indexed Jobs: ShardFromEnv), write folders that
// Merge joins into one set of tables and plots.
package sweep
