// Package sense models how a chip's voltages are read before a learning
// rule sees them: additive Gaussian read noise and an analog-to-digital
// converter of finite resolution and range (Chain). Package eqprop reads
// every measurement of training and evaluation through one Chain, the
// netlist's [training.sense] table.
package sense
