package reference

import (
	"github.com/kmsmac/kmsmac/reference/keymeta"
	"github.com/kmsmac/kmsmac/reference/store"
)

// The key vocabulary lives in reference/keymeta; these names keep the
// handlers' call sites short.
type (
	epoch       = keymeta.Epoch
	keyMetadata = keymeta.KeyMetadata
)

var (
	keyUsages              = keymeta.KeyUsages
	keySpecs               = keymeta.KeySpecs
	customerMasterKeySpecs = keymeta.CustomerMasterKeySpecs
	origins                = keymeta.Origins
	usagesBySpec           = keymeta.UsagesBySpec
	grantOperations        = keymeta.GrantOperations
	grantOpsByUsage        = keymeta.GrantOpsByUsage
	newKeyID               = keymeta.NewKeyID
	isKeyID                = keymeta.IsKeyID
	partition              = keymeta.Partition
	epochTime              = keymeta.EpochTime
	intern                 = keymeta.Intern
)

func (s *Service) metadata(k *store.Key, m store.Mutable) keyMetadata {
	md := keymeta.Build(k, m, s.opts.Account, s.opts.Region)
	if k.MultiRegion {
		md.MultiRegionConfiguration = s.mrkConfiguration(k, m)
	}
	return md
}
