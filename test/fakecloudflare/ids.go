package fakecloudflare

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// idSource makes identifiers and secrets that look random but depend only on
// the random seed and on how many were made before, so that the same run
// against the same seed gives the same IDs and golden files stay stable.
type idSource struct {
	seed uint64
	n    uint64
}

func (g *idSource) next(kind string) [sha256.Size]byte {
	g.n++
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], g.seed)
	return sha256.Sum256(fmt.Appendf(b[:], "/%s/%d", kind, g.n))
}

// hex returns n random-looking bytes as lower-case hex.
func (g *idSource) hex(kind string, n int) string {
	var out []byte
	for len(out) < n {
		h := g.next(kind)
		out = append(out, h[:]...)
	}
	return hex.EncodeToString(out[:n])
}

// uuid returns a random-looking version 4 UUID.
func (g *idSource) uuid(kind string) string {
	h := g.next(kind)
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	s := hex.EncodeToString(h[:16])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}
