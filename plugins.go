// Package kubectlakash holds what the repository root ships inside the
// binary: plugins.yaml, the built-in plugin commands. The file stays at the
// root, where operators find it as the example of the format, and go:embed
// can only reach files in or below the embedding package's directory.
package kubectlakash

import _ "embed"

// PluginsYAML is the repository's plugins.yaml.
//
//go:embed plugins.yaml
var PluginsYAML []byte
