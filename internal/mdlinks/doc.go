// Package mdlinks holds the test that every link between the repository's
// Markdown files (README, docs, reports next to their code) resolves, anchors
// included. It has no code of its own.
package mdlinks
