import Foundation

/// Everything that can go wrong with the Q-Zoom heads: inputs that do not fit, files that do not load,
/// training sets that hold nothing to learn from.
public enum HeadError: Error, Equatable, CustomStringConvertible {
    case invalidGrid(String)
    /// An input array does not have the size the head expects (`what`: which input).
    case inputShape(what: String, expected: Int, found: Int)
    case unknownAnswerType(String, known: [String])
    /// An input holds NaN or infinity (`what`: which input).
    case nonFinite(String)
    case noTrainingExamples(String)
    case unreadableFile(path: String, reason: String)
    case malformedFile(path: String, reason: String)
    case checksumMismatch(path: String)
    case kindMismatch(expected: String, found: String)
    case formatVersion(expected: Int, found: Int)
    case featureLayoutVersion(expected: Int, found: Int)
    case missingTensor(String)
    case unexpectedTensor(String)
    case tensorShape(name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .invalidGrid(let reason): "invalid cell grid: \(reason)"
        case .inputShape(let what, let expected, let found): "\(what): expected \(expected) values, found \(found)"
        case .unknownAnswerType(let type, let known):
            "unknown answer type '\(type)' (the gate knows \(known.joined(separator: ", ")))"
        case .nonFinite(let what): "\(what) holds a NaN or infinite value"
        case .noTrainingExamples(let reason): "nothing to train on: \(reason)"
        case .unreadableFile(let path, let reason): "\(path): cannot read: \(reason)"
        case .malformedFile(let path, let reason): "\(path): malformed head file: \(reason)"
        case .checksumMismatch(let path): "\(path): weights do not match the SHA-256 in the manifest"
        case .kindMismatch(let expected, let found): "expected a \(expected) head, found a \(found) head"
        case .formatVersion(let expected, let found): "head format version \(found), this build reads \(expected)"
        case .featureLayoutVersion(let expected, let found):
            "head was trained on feature layout version \(found), this build computes version \(expected); retrain it"
        case .missingTensor(let name): "head file lacks tensor '\(name)'"
        case .unexpectedTensor(let name): "head file has unexpected tensor '\(name)'"
        case .tensorShape(let name, let expected, let found): "tensor '\(name)' has shape \(found), expected \(expected)"
        }
    }
}
