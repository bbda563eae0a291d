import Fees
import Guidance
import IdentityCheck
import ImageKit
import Roster
import StationSession
import TerminalUI

/// What the student has typed on the identify screen so far.
struct IdentifyInput {
    enum Field {
        case studentNumber
        case idTail
        /// The operator types the collection code when neither the webcam nor a scanner read it.
        case collectionCode
    }

    var field = Field.studentNumber
    var studentNumber = ""
    var idTail = ""
    var collectionCode = ""

    /// The text of the field being typed.
    var current: String {
        get {
            switch field {
            case .studentNumber: studentNumber
            case .idTail: idTail
            case .collectionCode: collectionCode
            }
        }
        set {
            switch field {
            case .studentNumber: studentNumber = newValue
            case .idTail: idTail = newValue
            case .collectionCode: collectionCode = newValue
            }
        }
    }
}

/// The session's screens (everything but the live picture and the review, which `LiveSession`
/// draws), composed from the session's phase and notice: plain values in, `ScreenContent` out.
/// Nothing about another student is ever on them, and the ID tail is shown as dots.
struct SessionScreens {
    var language: LanguageChoice
    var mirrored: Bool
    var guideShape: GuideShape

    static let idleLine = Instruction(chinese: "按回车开始拍照，按 P 查询进度", english: "Press Enter to start; P looks up your progress")
    /// A name or staff number longer than this is a slip of the keys.
    static let longestOperatorName = 40

    /// The station's first screen, and the one after a change of shift: the operator who will
    /// confirm the payments types their name or staff number.
    func signIn(typed: String) -> ScreenContent {
        var content = screen(nil, Instruction(chinese: "工作人员登录：请输入姓名或工号，按回车",
                                              english: "Operator sign-in: type your name or staff number, then Enter"))
        content.checks = [CheckMark(label(Instruction(chinese: "工作人员 \(typed)", english: "Operator \(typed)")), .pending)]
        content.footer = "Enter 登录 sign in · Backspace 删除 delete · Esc 关机 quit"
        return content
    }

    func idle(notice: Notice?, operatorName: String) -> ScreenContent {
        var content = screen(nil, notice.map { Instruction(chinese: $0.chinese, english: $0.english) } ?? Self.idleLine,
                             tone: notice == nil ? .neutral : .failure)
        content.footer = "Enter 开始 start · P 查询 progress · Ctrl-O 换班 sign out (\(operatorName)) · q 关机 quit"
        return content
    }

    func identify(_ purpose: StationSession.Purpose, input: IdentifyInput, codeRead: CodeSource?, notice: Notice?,
                  picture: RGBImage?) -> ScreenContent {
        let ask: Instruction = switch input.field {
        case .studentNumber: Instruction(chinese: "请输入学号，按回车", english: "Type your student number, then Enter")
        case .idTail: Instruction(chinese: "请输入身份证后四位，按回车", english: "Type the last four characters of your ID card, then Enter")
        case .collectionCode: Instruction(chinese: "请出示图像采集码，或由工作人员输入后按回车",
                                          english: "Show your image-collection code, or the operator types it, then Enter")
        }
        var content = screen(picture, notice.map { Instruction(chinese: $0.chinese, english: $0.english) } ?? ask,
                             tone: notice == nil ? .neutral : .adjust)
        content.mirrored = mirrored
        content.checks = [CheckMark(label(Instruction(chinese: "学号 \(input.studentNumber)", english: "Student number \(input.studentNumber)")),
                                    input.field == .studentNumber ? .pending : .pass),
                          CheckMark(label(Instruction(chinese: "身份证后四位 \(String(repeating: "•", count: input.idTail.count))",
                                                      english: "ID tail \(String(repeating: "•", count: input.idTail.count))")),
                                    input.field == .idTail || input.field == .studentNumber ? .pending : .pass)]
        if purpose == .newPhoto {
            let read: String = switch codeRead {
            case .webcam: "已读取（摄像头） read by the camera"
            case .scanner: "已读取（扫码枪） read by the scanner"
            case .typed: "已输入 typed"
            case nil: input.field == .collectionCode ? String(repeating: "•", count: input.collectionCode.count) : "请出示二维码 show the QR code"
            }
            content.checks.append(CheckMark("采集码 code: \(read)", codeRead == nil ? .pending : .pass))
        }
        content.footer = "Enter 下一项 next · Backspace 删除 delete · Esc 返回 back"
        return content
    }

    func confirm(_ card: StudentCard) -> ScreenContent {
        var content = screen(nil, Instruction(chinese: "请核对：\(card.name.text)，\(card.school)，\(card.batch) 届。回车确认，N 不是本人",
                                              english: "Is this you? \(card.name.text), \(card.school), batch \(card.batch). Enter: yes; N: no"))
        content.checks = [CheckMark(label(Instruction(chinese: "费用：\(card.fee.chinese)", english: "Fee: \(card.fee.english)")), .pending)]
        content.footer = "Enter 确认 confirm · N 不是本人 not me · Esc 返回 back"
        return content
    }

    func fee(_ card: StudentCard, photo: RGBImage?, reference: String, identity: IdentityCheckResult?, operatorName: String,
             notice: Notice?) -> ScreenContent {
        let ask = Instruction(chinese: "请缴费 \(card.fee.yuan) 元。工作人员：现金按回车确认，或输入付款单号后回车",
                              english: "Fee \(card.fee.yuan) yuan. Operator: Enter confirms cash, or type the payment reference, then Enter")
        var content = screen(photo, notice.map { Instruction(chinese: $0.chinese, english: $0.english) } ?? ask,
                             tone: notice == nil ? .neutral : .adjust)
        content.mirrored = false
        content.checks = [CheckMark(label(Instruction(chinese: card.fee.chinese, english: card.fee.english)), .pending)]
        if !reference.isEmpty { content.checks.append(CheckMark("付款单号 reference: \(reference)", .pending)) }
        if let identity {
            // A face that does not match is said plainly; the operator decides before the fee.
            content.checks.append(CheckMark(label(Instruction(chinese: identity.chinese, english: identity.message)),
                                            identity.verdict == .match ? .pass : identity.verdict == .noMatch ? .fail : .pending))
            if identity.needsOperator { content.tone = .failure }
        }
        content.footer = "Enter \(operatorName) 确认付款 confirms the payment · Esc 取消 cancel"
        return content
    }

    func saving() -> ScreenContent {
        screen(nil, Instruction(chinese: "正在保存照片…", english: "Saving the photo…"), tone: .good)
    }

    func saveFailed(_ notice: Notice?, photo: RGBImage?) -> ScreenContent {
        var content = screen(photo, notice.map { Instruction(chinese: $0.chinese, english: $0.english) }
                             ?? Instruction(chinese: "照片保存失败", english: "The photo could not be saved"), tone: .failure)
        content.mirrored = false
        content.footer = "Enter 重试 try again"
        return content
    }

    func done(receipt: String) -> ScreenContent {
        var content = screen(nil, Instruction(chinese: "照片已保存，谢谢。回执码 \(receipt)",
                                              english: "Your photo is saved, thank you. Receipt code \(receipt)"), tone: .good)
        content.footer = "Enter 完成 done"
        return content
    }

    func progress(_ view: ProgressView) -> ScreenContent {
        let p = view.progress
        let review: Instruction = switch p.review {
        case .notReviewed: Instruction(chinese: "尚未审核", english: "not reviewed yet")
        case .accepted: Instruction(chinese: "审核通过", english: "accepted")
        case let .rejected(reason): Instruction(chinese: "审核未通过：\(reason)", english: "rejected: \(reason)")
        }
        var content = screen(nil, Instruction(chinese: "\(view.name.text) 的进度", english: "Progress of \(view.name.text)"))
        content.checks = [
            CheckMark(label(Instruction(chinese: "已拍照 \(p.photosSaved) 次", english: "\(p.photosSaved) photo(s) taken")), p.photosSaved > 0 ? .pass : .pending),
            CheckMark(label(Instruction(chinese: "已上传 \(p.photosSent) 次", english: "\(p.photosSent) sent")), p.photosSent > 0 ? .pass : .pending),
            CheckMark(label(review), p.review == .accepted ? .pass : p.review == .notReviewed ? .pending : .fail),
        ]
        if p.retakeOwed {
            content.checks.append(CheckMark(label(Instruction(chinese: "可免费重拍", english: "a free retake is owed")), .pending))
        }
        content.footer = "Enter 完成 done"
        return content
    }

    func lockedOut(_ notice: Notice?) -> ScreenContent {
        var content = screen(nil, Instruction(chinese: (notice ?? .lockedOut).chinese, english: (notice ?? .lockedOut).english), tone: .failure)
        content.footer = "Ctrl-U 工作人员解锁 operator unlock"
        return content
    }

    private func screen(_ image: RGBImage?, _ line: Instruction, tone: Tone = .neutral) -> ScreenContent {
        var content = ScreenContent(image: image, mirrored: false, guideShape: guideShape, tone: tone)
        (content.headline, content.subline) = language.lines(line)
        return content
    }

    private func label(_ line: Instruction) -> String { language.label(line) }
}
