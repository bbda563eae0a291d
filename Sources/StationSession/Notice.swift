/// A line the station shows the student, in Chinese and English. None of them says anything
/// about a student other than the one who identified: a wrong number and a wrong ID tail
/// read the same.
public enum Notice: Sendable, Hashable {
    case identityNotMatched(triesLeft: Int)
    case studentNumberFormat
    case idTailFormat
    case collectionCodeMissing
    case tooManyTries
    case lockedOut
    case photoFailsChecks
    case feeNotSet
    case outOfService(chinese: String, english: String)
    case saveFailed(chinese: String, english: String)
    case paymentProblem(String)

    public var chinese: String {
        switch self {
        case let .identityNotMatched(left): "学号或身份证后四位不正确，还可尝试 \(left) 次"
        case .studentNumberFormat: "学号应为 4 至 20 位字母或数字"
        case .idTailFormat: "身份证后四位应为 3 位数字加 1 位数字或 X"
        case .collectionCodeMissing: "请出示图像采集码（二维码），或请工作人员输入"
        case .tooManyTries: "尝试次数过多，请稍后再试或联系工作人员"
        case .lockedOut: "本机暂时锁定，请稍后再试或联系工作人员"
        case .photoFailsChecks: "照片未通过检查，请重拍"
        case .feeNotSet: "本机未设置该批次的收费标准，请联系工作人员"
        case let .outOfService(chinese, _): chinese
        case let .saveFailed(chinese, _): "照片保存失败：\(chinese)。请联系工作人员，照片仍在本机"
        case .paymentProblem: "付款信息有误，请工作人员重新确认"
        }
    }

    public var english: String {
        switch self {
        case let .identityNotMatched(left): "The student number or the last four ID characters are not right; \(left) tries left"
        case .studentNumberFormat: "A student number is 4 to 20 letters and digits"
        case .idTailFormat: "The last four ID characters are 3 digits, then a digit or X"
        case .collectionCodeMissing: "Show your image-collection code (QR), or ask the operator to type it"
        case .tooManyTries: "Too many tries; try again later or ask the operator"
        case .lockedOut: "The station is locked for a moment; try again later or ask the operator"
        case .photoFailsChecks: "The photo fails a check; please retake it"
        case .feeNotSet: "No fee is set for this batch here; ask the operator"
        case let .outOfService(_, english): english
        case let .saveFailed(_, english): "The photo could not be saved: \(english). Ask the operator; the photo is still here"
        case let .paymentProblem(problem): "The payment cannot be recorded: \(problem)"
        }
    }
}
