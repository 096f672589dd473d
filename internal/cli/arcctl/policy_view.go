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

package arcctl

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// detailRow is one "Key: value" line of a details view.
type detailRow struct {
	key, value string
}

// writeDetails writes rows as aligned "Key: value" lines, "-" for an empty value.
func writeDetails(w io.Writer, rows []detailRow) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s:\t%s\n", r.key, orDash(r.value))
	}
	return tw.Flush()
}

// newTable is a tabwriter for a table with the header given, one column a tab.
func newTable(w io.Writer, header string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, header)
	return tw
}

// jsonText shows a JSON value: a string as it is, anything else as compact JSON, nothing for
// null.
func jsonText(v any) string {
	switch s := v.(type) {
	case nil:
		return ""
	case string:
		return s
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

// anyTags shows an open-ended object (metadata) as sorted key=value pairs.
func anyTags(v any) string {
	m := mapOf(v)
	plain := make(map[string]string, len(m))
	for k, x := range m {
		plain[k] = jsonText(x)
	}
	return tags(plain)
}

// mapOf is v as a JSON object, nil when it is not one.
func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// sortedKeys are the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
