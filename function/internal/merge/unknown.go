package merge

import (
	"slices"
	"strings"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// results are the annotations written back to a route, never input.
var results = []string{
	v1alpha1.AnnotationHostnameRouteID, v1alpha1.AnnotationCNAMERecordID, v1alpha1.AnnotationDNSRecordID,
	v1alpha1.AnnotationDNSRecordIP, v1alpha1.AnnotationAccessAppID, v1alpha1.AnnotationAccessPolicyIDs,
	v1alpha1.AnnotationServiceTokenID, v1alpha1.AnnotationServiceTokenSecretName, v1alpha1.AnnotationLastReconcile,
}

// Unknown returns, sorted, the route's annotations under the project's prefix
// that are neither input nor written back: most likely misspelt keys, which
// would otherwise be ignored without a word.
func Unknown(annotations map[string]string) []string {
	var out []string
	for k := range annotations {
		if !strings.HasPrefix(k, v1alpha1.AnnotationPrefix) || slices.Contains(v1alpha1.InputAnnotations, k) || slices.Contains(results, k) {
			continue
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
