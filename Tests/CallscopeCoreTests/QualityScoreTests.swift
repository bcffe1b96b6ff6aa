import CallscopeCore
import Testing

@Suite("Quality scores")
struct QualityScoreTests {
    @Test("the E-model's MOS, hand-computed: loss enters in percent, not as a fraction")
    func audioMos() {
        // No impairment: R = 93.2, MOS = 1 + 0.035·93.2 + 7e-6·93.2·33.2·6.8 = 4.4093.
        #expect(abs(AudioQuality.mos(rttMs: 0, jitterBufferDelayMs: 0, lossPercent: 0) - 4.4093) < 0.0005)
        // 10 % loss: Ie,eff = 95·10/(10 + 25.1) = 27.066, R = 66.134, MOS = 3.4109.
        #expect(abs(AudioQuality.rFactor(rttMs: 0, jitterBufferDelayMs: 0, lossPercent: 10) - 66.1345) < 0.001)
        #expect(abs(AudioQuality.mos(rttMs: 0, jitterBufferDelayMs: 0, lossPercent: 10) - 3.4109) < 0.0005)
        // The same loss given as a fraction would score 4.40: 100× too kind. We take percent.
        #expect(AudioQuality.mos(rttMs: 0, jitterBufferDelayMs: 0, lossPercent: 0.1) > 4.4)
        // Delay: d = 400/2 + 100 = 300 ms, Id = 0.024·300 + 0.11·(300 − 177.3) = 20.697, R = 72.503, MOS = 3.7121.
        #expect(abs(AudioQuality.rFactor(rttMs: 400, jitterBufferDelayMs: 100, lossPercent: 0) - 72.503) < 0.001)
        #expect(abs(AudioQuality.mos(rttMs: 400, jitterBufferDelayMs: 100, lossPercent: 0) - 3.7121) < 0.0005)
        // Concealment counts as loss when it is the larger: 3 % concealed with 0 % lost = 3 % loss.
        #expect(AudioQuality.mos(rttMs: 100, jitterBufferDelayMs: 40, lossPercent: 0, concealmentPercent: 3)
            == AudioQuality.mos(rttMs: 100, jitterBufferDelayMs: 40, lossPercent: 3))
        #expect(abs(AudioQuality.mos(rttMs: 100, jitterBufferDelayMs: 40, lossPercent: 3) - 4.0575) < 0.0005)
    }

    @Test("the MOS stays in 1…4.5 whatever the input")
    func audioBounds() {
        #expect(AudioQuality.mos(rttMs: 10_000, jitterBufferDelayMs: 5_000, lossPercent: 100) == 1)
        #expect(AudioQuality.mos(r: 120) == 4.5)
        #expect(AudioQuality.mos(rttMs: .nan, jitterBufferDelayMs: -.infinity, lossPercent: .infinity) >= 1)
    }

    @Test("the video score is judged against what the sender sent")
    func videoScore() {
        #expect(VideoQuality.score(.init(receivedFps: 15, sentFps: 30)) == 3)
        // A still screen share: 5 fps received of 5 sent is as sent.
        #expect(VideoQuality.score(.init(receivedFps: 5, sentFps: 5)) == 5)
        // A quarter of the pixels (√0.25 = 0.5) and frozen half the interval: 1 + 4·0.5·0.5 = 2.
        #expect(VideoQuality.score(.init(receivedPixels: 640 * 360, sentPixels: 1280 * 720, frozenMs: 1000, intervalMs: 2000)) == 2)
        // 10 % loss left after repair: 1 + 4·(1 − 10/20) = 3.
        #expect(VideoQuality.score(.init(lossPercent: 10)) == 3)
        #expect(VideoQuality.score(.init()) == 5)
    }
}
