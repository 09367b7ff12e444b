package io.kmsjca.internal.remote;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body collected into bytes, at most {@code max} of them: a longer one cancels the
 * exchange and fails with {@link TooLong}. Collected as it arrives, so that the caller can wait for
 * the whole response with one deadline (a blocking stream would wait on a stalled body forever).
 * Every intermediate buffer is wiped: a data key's plaintext may be in it.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The body went past the limit. */
    static final class TooLong extends IOException {
        private static final long serialVersionUID = 1L;

        TooLong(int max) {
            super("a response longer than " + max + " bytes");
        }
    }

    private final int max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private byte[] buf = new byte[4096];
    private int len;
    private boolean done;

    BoundedBody(int max) {
        this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
            if (done) {
                return;
            }
            int n = b.remaining();
            if (n > max - len) {
                done = true;
                Arrays.fill(buf, (byte) 0);
                subscription.cancel();
                result.completeExceptionally(new TooLong(max));
                return;
            }
            if (len + n > buf.length) {
                byte[] bigger = Arrays.copyOf(buf, Math.min(max, Math.max(len + n, buf.length * 2)));
                Arrays.fill(buf, (byte) 0);
                buf = bigger;
            }
            b.get(buf, len, n);
            len += n;
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        if (!done) {
            done = true;
            Arrays.fill(buf, (byte) 0);
            result.completeExceptionally(t);
        }
    }

    @Override
    public synchronized void onComplete() {
        if (!done) {
            done = true;
            byte[] body = Arrays.copyOf(buf, len);
            Arrays.fill(buf, (byte) 0);
            result.complete(body);
        }
    }
}
