package p

const n = 1000_
