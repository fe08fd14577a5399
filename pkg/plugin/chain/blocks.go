package chain

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Block is a block header's height and time.
type Block struct {
	Height int64
	Time   time.Time
}

// Clock tells when blocks were made: how old a lease is comes from the
// block it was created in, measured against the latest block (the chain's
// own clock, not this machine's).
type Clock interface {
	// Block returns the header of block height, or of the latest block
	// when height is 0.
	Block(ctx context.Context, height int64) (Block, error)
}

type restBlockResponse struct {
	Block struct {
		Header struct {
			Height string    `json:"height"`
			Time   time.Time `json:"time"`
		} `json:"header"`
	} `json:"block"`
}

// Block reads a block header through the Cosmos SDK's REST route.
func (r *REST) Block(ctx context.Context, height int64) (Block, error) {
	path := "/cosmos/base/tendermint/v1beta1/blocks/latest"
	if height > 0 {
		path = "/cosmos/base/tendermint/v1beta1/blocks/" + strconv.FormatInt(height, 10)
	}
	var resp restBlockResponse
	if err := r.get(ctx, path, url.Values{}, &resp); err != nil {
		return Block{}, fmt.Errorf("reading block %s: %w", heightName(height), err)
	}
	h, err := strconv.ParseInt(resp.Block.Header.Height, 10, 64)
	if err != nil || resp.Block.Header.Time.IsZero() || (height > 0 && h != height) {
		return Block{}, fmt.Errorf("chain API %s answered block %s with height %q at %v: not trusted", r.Base, heightName(height), resp.Block.Header.Height, resp.Block.Header.Time)
	}
	return Block{Height: h, Time: resp.Block.Header.Time}, nil
}

func heightName(h int64) string {
	if h == 0 {
		return "latest"
	}
	return strconv.FormatInt(h, 10)
}

// LeaseAge is how long ago, on the chain's clock, a lease created at
// height created was made: the latest block's time minus the creation
// block's time.
func LeaseAge(ctx context.Context, c Clock, latest Block, created int64) (time.Duration, error) {
	if created <= 0 {
		return 0, fmt.Errorf("the chain did not say when the lease was created")
	}
	if created > latest.Height {
		return 0, nil // made after the latest block we saw: brand new
	}
	b, err := c.Block(ctx, created)
	if err != nil {
		return 0, err
	}
	return latest.Time.Sub(b.Time), nil
}
