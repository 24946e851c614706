package compose

import (
	corev1 "k8s.io/api/core/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource"
)

// MarkReady marks each desired managed resource ready when its observed
// counterpart reports Ready=True. Crossplane v2 treats a resource whose
// readiness a function leaves unspecified as not ready, so without this the
// composite and the claim would never become Ready.
func MarkReady(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed) {
	for name, d := range desired {
		o, ok := observed[name]
		if !ok || o.Resource == nil || d.Ready == resource.ReadyTrue {
			continue
		}
		if o.Resource.GetCondition(xpv2.TypeReady).Status == corev1.ConditionTrue {
			d.Ready = resource.ReadyTrue
		}
	}
}
