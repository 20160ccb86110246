package p

const big = 1e
