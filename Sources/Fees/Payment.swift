import Foundation

/// How a fee was paid at the station. The station takes no card payments itself: the
/// operator confirms cash, or types the reference of a payment made elsewhere.
public enum PaymentMethod: Sendable, Hashable, Codable {
    case cash
    case reference(String)
    /// Nothing was due (a retake owed).
    case noCharge

    /// `cash`, `reference` or `none`, as the store and the server call it.
    public var kind: String {
        switch self {
        case .cash: "cash"
        case .reference: "reference"
        case .noCharge: "none"
        }
    }

    /// The payment reference, for a payment by reference.
    public var reference: String? {
        if case let .reference(text) = self { return text }
        return nil
    }

    /// The method from its stored kind and reference, or nil when they do not fit together.
    public init?(kind: String, reference: String?) {
        switch (kind, reference) {
        case ("cash", nil): self = .cash
        case ("none", nil): self = .noCharge
        case let ("reference", text?): self = .reference(text)
        default: return nil
        }
    }

    /// The longest payment reference taken: longer text is a slip of the scanner or the keys.
    public static let maximumReferenceLength = 64
}

/// A confirmed payment: the record a session keeps of its fee.
public struct Payment: Sendable, Hashable, Codable {
    public var yuan: Int
    public var method: PaymentMethod
    /// When the operator confirmed it.
    public var time: Date
    /// The operator who confirmed it (name or badge as the station's operator typed it).
    public var confirmedBy: String

    public init(yuan: Int, method: PaymentMethod, time: Date, confirmedBy: String) {
        self.yuan = yuan
        self.method = method
        self.time = time
        self.confirmedBy = confirmedBy
    }

    /// Why this payment cannot be recorded, or nil: a reference that is empty or too long, a
    /// missing operator, an amount that does not match the method.
    public var problem: String? {
        if yuan < 0 { return "the amount is \(yuan) yuan; it cannot be negative" }
        if confirmedBy.trimmingCharacters(in: .whitespaces).isEmpty {
            return "no operator confirmed the payment; the operator's name is needed"
        }
        switch method {
        case .noCharge where yuan != 0:
            return "\(yuan) yuan is due, so the payment cannot be recorded as free"
        case .cash where yuan == 0, .reference where yuan == 0:
            return "nothing is due; record the payment as free (none)"
        case let .reference(text) where text.trimmingCharacters(in: .whitespaces).isEmpty:
            return "the payment reference is empty; type the reference shown on the payment"
        case let .reference(text) where text.count > PaymentMethod.maximumReferenceLength:
            return "the payment reference has \(text.count) characters; at most \(PaymentMethod.maximumReferenceLength) are taken"
        default:
            return nil
        }
    }
}
