package auth

import "context"

type regionKey struct{}

// WithRegion returns ctx carrying the Region the request was signed for.
func WithRegion(ctx context.Context, region string) context.Context {
	return context.WithValue(ctx, regionKey{}, region)
}

// Region is the Region of the request's credential scope; "" when the
// request was not verified (auth off) or the Verifier serves one Region.
func Region(ctx context.Context) string {
	r, _ := ctx.Value(regionKey{}).(string)
	return r
}

// serves reports whether the Verifier accepts a credential scope of region:
// its Region or one of its other Regions.
func (v *Verifier) serves(region string) bool {
	if region == v.Region {
		return true
	}
	for _, r := range v.Regions {
		if r == region {
			return true
		}
	}
	return false
}
