// Package provider knows the akash-provider service: its /status endpoint,
// its bid-engine log lines, and the bid price settings stored in its helm
// release. Everything here is pure parsing; the commands in pkg/plugin/cmd
// fetch the bytes.
package provider
