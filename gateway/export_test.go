package gateway

// RelayBuffer is the size of a fresh pooled buffer, the one a stream is
// relayed through, so external tests can aim at the relay's piece boundaries.
const RelayBuffer = initialBuffer
