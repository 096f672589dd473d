// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package server_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/extendedlocation/armextendedlocation"
)

// groupID is the ID of resource group name of the test subscription.
func groupID(name string) string { return "/subscriptions/" + sub + "/resourceGroups/" + name }

// newRule is a rule body of priority, selector and target group.
func newRule(priority int32, selector *ruleSelector, target string) syncRule {
	return syncRule{Location: to.Ptr("westeurope"),
		Properties: &syncRuleProps{Priority: to.Ptr(priority), Selector: selector, TargetResourceGroup: to.Ptr(groupID(target))}}
}

// putLocation creates custom location name in rg on the hub's cluster.
func (lh *locationHub) putLocation(name string) {
	lh.t.Helper()
	c := sdkClient(lh.testHub, armextendedlocation.NewCustomLocationsClient)
	if _, err := c.BeginCreateOrUpdate(context.Background(), rg, name, armextendedlocation.CustomLocation{Location: to.Ptr("westeurope"),
		Properties: &armextendedlocation.CustomLocationProperties{HostResourceID: to.Ptr(lh.cluster)}}, nil); err != nil {
		lh.t.Fatalf("creating custom location %s: %v", name, err)
	}
}

// putRule creates rule name on location apps with the Azure SDK's poller, as token.
func (lh *locationHub) putRule(token, name string, rule syncRule) (syncRule, error) {
	lh.t.Helper()
	ctx := context.Background()
	poller, err := newRuleClient(lh.testHub, token).beginCreateOrUpdate(ctx, rg, "apps", name, rule)
	if err != nil {
		return syncRule{}, err
	}
	res, err := poller.PollUntilDone(ctx, fastPoll)
	return res, err
}

// TestAzureSDKManagesResourceSyncRules: rules are created, read, listed by priority, patched
// and deleted as the generated client does it, and findTargetResourceGroup answers the
// matching rule of lowest priority.
func TestAzureSDKManagesResourceSyncRules(t *testing.T) {
	lh := startLocationHub(t)
	lh.putLocation("apps")
	ctx := context.Background()
	c := newRuleClient(lh.testHub, lh.AdminToken)

	web, err := lh.putRule(lh.AdminToken, "web", newRule(10, &ruleSelector{MatchLabels: map[string]*string{"app": to.Ptr("web")}}, "web-rg"))
	if err != nil {
		t.Fatalf("creating rule web: %v", err)
	}
	if *web.Properties.ProvisioningState != "Succeeded" || *web.ID != rulePath(rg, "apps", "web") ||
		*web.Type != "Microsoft.ExtendedLocation/customLocations/resourceSyncRules" || *web.SystemData.CreatedByType != "User" {
		t.Errorf("created rule = %s", mustJSON(t, web))
	}
	tiers := &ruleSelector{MatchExpressions: []*matchExpression{{Key: to.Ptr("tier"), Operator: to.Ptr("In"), Values: []*string{to.Ptr("frontend"), to.Ptr("backend")}}}}
	if _, err := lh.putRule(lh.AdminToken, "tiers", newRule(20, tiers, "tier-rg")); err != nil {
		t.Fatalf("creating rule tiers: %v", err)
	}
	both := map[string]*string{"app": to.Ptr("web"), "tier": to.Ptr("frontend")}
	wantTarget(t, c, both, "web", "web-rg")
	wantTarget(t, c, map[string]*string{"tier": to.Ptr("backend")}, "tiers", "tier-rg")
	wantTarget(t, c, map[string]*string{"app": to.Ptr("db")}, "", "")

	poller, err := c.beginUpdate(ctx, rg, "apps", "tiers", syncRule{Properties: &syncRuleProps{Priority: to.Ptr[int32](5)}})
	if err != nil {
		t.Fatalf("BeginUpdate: %v", err)
	}
	patched, err := poller.PollUntilDone(ctx, fastPoll)
	if err != nil || *patched.Properties.Priority != 5 || *patched.Properties.TargetResourceGroup != groupID("tier-rg") {
		t.Fatalf("patched rule = %s %v", mustJSON(t, patched), err)
	}
	wantTarget(t, c, both, "tiers", "tier-rg")
	rules, err := c.list(ctx, rg, "apps")
	if err != nil || len(rules) != 2 || *rules[0].Name != "tiers" || *rules[1].Name != "web" {
		t.Errorf("rules = %s %v, want tiers then web", mustJSON(t, rules), err)
	}
	if got, err := c.get(ctx, rg, "apps", "web"); err != nil || *got.Properties.Selector.MatchLabels["app"] != "web" {
		t.Errorf("GET web = %s %v", mustJSON(t, got), err)
	}

	if status, err := c.delete(ctx, rg, "apps", "web"); err != nil || status != http.StatusOK {
		t.Errorf("deleting web: %d %v", status, err)
	}
	if status, err := c.delete(ctx, rg, "apps", "web"); err != nil || status != http.StatusNoContent {
		t.Errorf("deleting web again: %d %v, want 204", status, err)
	}
	if r := lh.do(http.MethodDelete, locationPath(rg, "apps")+apiLocation+"&forceDelete=true", lh.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("deleting the location: %d %s", r.status, r.raw)
	}
	lh.putLocation("apps")
	if _, err := c.get(ctx, rg, "apps", "tiers"); !isStatus(err, http.StatusNotFound) {
		t.Errorf("a rule outlived its location: %v", err)
	}
}

// wantTarget fails unless findTargetResourceGroup of labels answers rule and group ("" for
// none).
func wantTarget(t *testing.T, c *ruleClient, labels map[string]*string, rule, group string) {
	t.Helper()
	got, err := c.findTarget(context.Background(), rg, "apps", labels)
	switch {
	case err != nil:
		t.Errorf("findTargetResourceGroup: %v", err)
	case rule == "" && got.MatchingResourceSyncRule != nil:
		t.Errorf("findTargetResourceGroup = %s, want no match", mustJSON(t, got))
	case rule != "" && (got.MatchingResourceSyncRule == nil || *got.MatchingResourceSyncRule != rulePath(rg, "apps", rule) || *got.TargetResourceGroup != groupID(group)):
		t.Errorf("findTargetResourceGroup = %s, want rule %s and group %s", mustJSON(t, got), rule, group)
	}
}

// isStatus reports whether err is an answer of the hub with status.
func isStatus(err error, status int) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == status
}

// TestResourceSyncRuleValidation: bad rules and requests are 4xx ARM errors naming what is
// wrong.
func TestResourceSyncRuleValidation(t *testing.T) {
	lh := startLocationHub(t)
	lh.putLocation("apps")
	if _, err := lh.putRule(lh.AdminToken, "first", newRule(1, &ruleSelector{}, "web-rg")); err != nil {
		t.Fatal(err)
	}
	contributor := lh.token(lh.AdminToken, "apps-only", "Contributor", groupID(rg))
	bad := func(op string) *ruleSelector {
		return &ruleSelector{MatchExpressions: []*matchExpression{{Key: to.Ptr("app"), Operator: to.Ptr(op)}}}
	}
	otherSub := newRule(3, &ruleSelector{}, "web-rg")
	otherSub.Properties.TargetResourceGroup = to.Ptr("/subscriptions/00000000-0000-0000-0000-0000000000bb/resourceGroups/web-rg")
	tests := []struct {
		name, token string
		rule        syncRule
		status      int
		want        string
	}{
		{"bad operator", lh.AdminToken, newRule(2, bad("Near"), "web-rg"), http.StatusBadRequest, "'properties.selector'"},
		{"In without values", lh.AdminToken, newRule(2, bad("In"), "web-rg"), http.StatusBadRequest, "'properties.selector'"},
		{"duplicate priority", lh.AdminToken, newRule(1, &ruleSelector{}, "other-rg"), http.StatusBadRequest, "'first'"},
		{"negative priority", lh.AdminToken, newRule(-1, &ruleSelector{}, "web-rg"), http.StatusBadRequest, "'properties.priority'"},
		{"no selector", lh.AdminToken, newRule(2, nil, "web-rg"), http.StatusBadRequest, "'properties.selector'"},
		{"not a group", lh.AdminToken, syncRule{Location: to.Ptr("westeurope"), Properties: &syncRuleProps{Priority: to.Ptr[int32](2),
			Selector: &ruleSelector{}, TargetResourceGroup: to.Ptr(lh.cluster)}}, http.StatusBadRequest, "'properties.targetResourceGroup'"},
		{"another subscription", lh.AdminToken, otherSub, http.StatusBadRequest, "custom location's subscription"},
		{"target not writable", contributor, newRule(2, &ruleSelector{}, "web-rg"), http.StatusForbidden, groupID("web-rg")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lh.putRule(tt.token, "second", tt.rule)
			var re *azcore.ResponseError
			if !errors.As(err, &re) || re.StatusCode != tt.status || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("PUT = %v, want %d naming %s", err, tt.status, tt.want)
			}
		})
	}
	if _, err := lh.putRule(contributor, "second", newRule(2, &ruleSelector{}, rg)); err != nil {
		t.Errorf("a contributor of the location's group targeting it: %v", err)
	}
	c := newRuleClient(lh.testHub, lh.AdminToken)
	if _, err := c.findTarget(context.Background(), rg, "apps", map[string]*string{"bad key!": to.Ptr("x")}); !isStatus(err, http.StatusBadRequest) ||
		!strings.Contains(err.Error(), "labels.bad key!") {
		t.Errorf("findTargetResourceGroup with a bad label = %v, want 400 naming it", err)
	}
	if _, err := c.findTarget(context.Background(), rg, "none", nil); !isStatus(err, http.StatusNotFound) {
		t.Errorf("findTargetResourceGroup of a missing location = %v, want 404", err)
	}
	for _, path := range []string{rulePath(rg, "none", "r1"), rulePath(rg, "apps", "bad.name")} {
		if r := lh.do(http.MethodPut, path+"?api-version="+ruleAPI, lh.AdminToken, newRule(9, &ruleSelector{}, "web-rg")); r.status/100 != 4 {
			t.Errorf("PUT %s: %d %s, want a 4xx", path, r.status, r.raw)
		}
	}
}
