package p

const n = 1__000
