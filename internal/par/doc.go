// Package par runs the parallel sections of a computation on a fixed
// number of workers, part r of a section always on worker r: on a Team
// of goroutines that wait awake between sections, or on goroutines
// started for each section (Group). A training epoch runs two or three
// short sections per mini-batch, a few hundred microseconds each, where
// the runtime's wake-ups of sleeping goroutines cost as much as the
// sections' work.
package par
