/// One line of text read from a page, with its place in page coordinates.
public struct TextLine: Codable, Sendable, Equatable {
    /// The line's outline in page coordinates (may be rotated).
    public var quad: Quad
    public var text: String
    /// Mean character confidence in [0, 1].
    public var confidence: Double
    /// One confidence per character of `text`, in [0, 1].
    public var characterConfidences: [Float]

    public init(quad: Quad, text: String, confidence: Double, characterConfidences: [Float]) {
        self.quad = quad
        self.text = text
        self.confidence = confidence
        self.characterConfidences = characterConfidences
    }

    public var box: Rect { quad.boundingRect }
}
