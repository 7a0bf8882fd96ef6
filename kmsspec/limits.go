package kmsspec

// Request limits of GenerateMac and VerifyMac, in bytes (blobs, after base64
// decoding) or characters (KeyId), from APIReference/API_GenerateMac.html and
// API_VerifyMac.html.
const (
	MinMessage = 1    // MAC-SIZE-1, MAC-SIZE-3: an empty Message is refused
	MaxMessage = 4096 // MAC-SIZE-1, MAC-SIZE-2
	MinMac     = 1    // VM-SIZE-1, VM-SIZE-3 (VerifyMac's Mac member)
	MaxMac     = 6144 // VM-SIZE-1, VM-SIZE-2
	MinKeyID   = 1    // MAC-SIZE-4
	MaxKeyID   = 2048 // MAC-SIZE-5

	MaxGrantTokens   = 10   // MAC-GT-2: list length
	MinGrantTokenLen = 1    // MAC-GT-3: characters per token
	MaxGrantTokenLen = 8192 // MAC-GT-3
)

// ScheduleKeyDeletion's PendingWindowInDays (API_ScheduleKeyDeletion.html,
// STATE-12).
const (
	MinPendingWindowDays     = 7
	MaxPendingWindowDays     = 30
	DefaultPendingWindowDays = 30
)
