// Module registry builds crane, whose `crane registry serve` is the local OCI
// registry packages are pushed to in the end-to-end tests.
module github.com/cfzt/cfzt/test/tools/registry

go 1.26

require github.com/google/go-containerregistry v0.22.1
