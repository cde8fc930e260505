//go:build !purego

#include "textflag.h"

// clip4 (see add4_amd64.go, Add4): rows 0-3 of g in R8-R11, of d in
// R12, R13, BX, DX; cols in DI; the byte offset of the column pair in SI.
// X4 and X5 hold the bounds twice, X7-X10 the rows' sums, X11 is scratch.
// ADDPD adds as ADDSD does, and with positive bounds MAXPD then MINPD
// give the bound or the value exactly where Go's clip does (a NaN gives
// the lower bound): the results are those of add4Go, bit for bit.

// One row's two columns: X = clip(g + d) stored back into g, then added
// to the row's sum S, low lane first, in column order.
#define ROW(G, D, X, S) \
	MOVUPD (G)(SI*1), X \
	MOVUPD (D)(SI*1), X11 \
	ADDPD  X11, X \
	MAXPD  X4, X \
	MINPD  X5, X \
	MOVUPD X, (G)(SI*1) \
	ADDSD  X, S \
	MOVAPD X, X11 \
	UNPCKHPD X11, X11 \
	ADDSD  X11, S

// The same for the last column when there is an odd number.
#define ROW1(G, D, X, S) \
	MOVSD (G)(SI*1), X \
	MOVSD (D)(SI*1), X11 \
	ADDSD X11, X \
	MAXSD X4, X \
	MINSD X5, X \
	MOVSD X, (G)(SI*1) \
	ADDSD X, S

// func clip4(gs, ds *[4]*float64, cols *float64, n int, lo, hi float64, s *[4]float64)
TEXT ·clip4(SB), NOSPLIT, $0-56
	MOVQ gs+0(FP), AX
	MOVQ 0(AX), R8
	MOVQ 8(AX), R9
	MOVQ 16(AX), R10
	MOVQ 24(AX), R11
	MOVQ ds+8(FP), AX
	MOVQ 0(AX), R12
	MOVQ 8(AX), R13
	MOVQ 16(AX), BX
	MOVQ 24(AX), DX
	MOVQ cols+16(FP), DI
	MOVQ n+24(FP), CX
	MOVSD lo+32(FP), X4
	UNPCKLPD X4, X4
	MOVSD hi+40(FP), X5
	UNPCKLPD X5, X5
	XORPS X7, X7
	XORPS X8, X8
	XORPS X9, X9
	XORPS X10, X10
	MOVQ CX, AX
	ANDQ $-2, AX
	SHLQ $3, AX // bytes in whole pairs of columns
	XORQ SI, SI

pairs:
	CMPQ SI, AX
	JGE  last
	ROW(R8, R12, X0, X7)
	ROW(R9, R13, X1, X8)
	ROW(R10, BX, X2, X9)
	ROW(R11, DX, X3, X10)
	// cols + row 0 + row 1 + row 2 + row 3, in that order.
	MOVUPD (DI)(SI*1), X6
	ADDPD  X0, X6
	ADDPD  X1, X6
	ADDPD  X2, X6
	ADDPD  X3, X6
	MOVUPD X6, (DI)(SI*1)
	ADDQ   $16, SI
	JMP    pairs

last:
	TESTQ $1, CX
	JZ    done
	ROW1(R8, R12, X0, X7)
	ROW1(R9, R13, X1, X8)
	ROW1(R10, BX, X2, X9)
	ROW1(R11, DX, X3, X10)
	MOVSD (DI)(SI*1), X6
	ADDSD X0, X6
	ADDSD X1, X6
	ADDSD X2, X6
	ADDSD X3, X6
	MOVSD X6, (DI)(SI*1)

done:
	MOVQ  s+48(FP), AX
	MOVSD X7, 0(AX)
	MOVSD X8, 8(AX)
	MOVSD X9, 16(AX)
	MOVSD X10, 24(AX)
	RET
