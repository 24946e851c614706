// Module crossplane builds Crossplane core for the real-stack tests. It lives
// apart from the project's go.mod because core's dependency graph is large and
// moves on its own schedule; the CLI (crank) has its own module in
// ../crossplane-cli.
module github.com/cfzt/cfzt/test/tools/crossplane

go 1.26

require (
	github.com/crossplane/crossplane/apis/v2 v2.4.0
	github.com/crossplane/crossplane/v2 v2.4.0
)
