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

package armclient

import "encoding/json"

// unmarshalKeeping decodes data into typed, a pointer to the typed fields of a document (a
// type without the document's UnmarshalJSON), and keeps data in raw, so that -o json can
// show the hub's document as it came, fields arcctl does not know included.
func unmarshalKeeping(data []byte, typed any, raw *json.RawMessage) error {
	if err := json.Unmarshal(data, typed); err != nil {
		return err
	}
	*raw = append(json.RawMessage(nil), data...)
	return nil
}

// marshalKept returns raw, the hub's document, or typed encoded when there is none (a value
// arcctl built rather than received).
func marshalKept(typed any, raw json.RawMessage) ([]byte, error) {
	if raw != nil {
		return raw, nil
	}
	return json.Marshal(typed)
}
