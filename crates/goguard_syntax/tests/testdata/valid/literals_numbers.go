package numbers

const (
	dec       = 1234567890
	zero      = 0
	hexLower  = 0xdeadbeef
	hexUpper  = 0XCAFE_F00D
	octNew    = 0o17
	octNewUp  = 0O755
	octOld    = 017
	octZero   = 00
	bin       = 0b1
	binUp     = 0B1010_1010
	under     = 1_000_000
	hexUnder  = 0x_FF_FF
	binUnder  = 0b_1_0
	octUnder  = 0o_7_7
	oldOctU   = 0_17
	float1    = 1.5
	float2    = .5
	float3    = 1.
	float4    = 1e10
	float5    = 1E-3
	float6    = 6.022_140_76e+23
	float7    = 0.
	float8    = 072.40 // decimal despite the leading zero
	float9    = 1_5.0_1e1_0
	hexFloat1 = 0x1p-2
	hexFloat2 = 0x1.8p3
	hexFloat3 = 0X.8P0
	hexFloat4 = 0x_1FFFp-16
	hexFloat5 = 0x1.Fp+0
	imag1     = 1i
	imag2     = 0x1p-2i
	imag3     = 1.5i
	imag4     = 0o17i
	imag5     = 017i // decimal for backward compatibility
	imag6     = 1e3i
	imag7     = .25i
	imag8     = 0b101i
	imag9     = 0i
	imag10    = 0xABCi
	big       = 123456789012345678901234567890
)

func arith() complex128 {
	return 1 + 2i*3 - imag1/2
}
