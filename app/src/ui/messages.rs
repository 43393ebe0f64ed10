//! The words of errors: each `errors.*` key a server fn may answer with, translated, and
//! the message above a form for an error that is not about one of its fields.

use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};

/// The translated text of an error key (`errors.*`).
pub fn error_text(key: &str) -> String {
    let i18n = use_i18n();
    match key {
        "errors.email_invalid" => t_string!(i18n, errors.email_invalid).to_string(),
        "errors.password_too_short" => t_string!(i18n, errors.password_too_short).to_string(),
        "errors.password_too_long" => t_string!(i18n, errors.password_too_long).to_string(),
        "errors.password_weak" => t_string!(i18n, errors.password_weak).to_string(),
        "errors.name_required" => t_string!(i18n, errors.name_required).to_string(),
        "errors.name_too_long" => t_string!(i18n, errors.name_too_long).to_string(),
        "errors.sign_in_failed" => t_string!(i18n, errors.sign_in_failed).to_string(),
        "errors.email_unverified" => t_string!(i18n, errors.email_unverified).to_string(),
        "errors.link_invalid" => t_string!(i18n, errors.link_invalid).to_string(),
        "errors.required" => t_string!(i18n, errors.required).to_string(),
        "errors.password_wrong" => t_string!(i18n, errors.password_wrong).to_string(),
        "errors.email_unchanged" => t_string!(i18n, errors.email_unchanged).to_string(),
        "errors.email_taken" => t_string!(i18n, errors.email_taken).to_string(),
        "errors.own_admin_role" => t_string!(i18n, errors.own_admin_role).to_string(),
        "errors.title_too_short" => t_string!(i18n, errors.title_too_short).to_string(),
        "errors.title_too_long" => t_string!(i18n, errors.title_too_long).to_string(),
        "errors.body_too_long" => t_string!(i18n, errors.body_too_long).to_string(),
        "errors.choice_unknown" => t_string!(i18n, errors.choice_unknown).to_string(),
        "errors.comment_too_long" => t_string!(i18n, errors.comment_too_long).to_string(),
        "errors.proposal_withdrawn" => t_string!(i18n, errors.proposal_withdrawn).to_string(),
        "errors.reply_to_deleted" => t_string!(i18n, errors.reply_to_deleted).to_string(),
        "errors.reply_too_deep" => t_string!(i18n, errors.reply_too_deep).to_string(),
        "errors.edit_window_over" => t_string!(i18n, errors.edit_window_over).to_string(),
        "errors.proposal_answered" => t_string!(i18n, errors.proposal_answered).to_string(),
        "errors.category_exists" => t_string!(i18n, errors.category_exists).to_string(),
        "errors.position_invalid" => t_string!(i18n, errors.position_invalid).to_string(),
        "errors.posting_suspended" => t_string!(i18n, errors.posting_suspended).to_string(),
        "errors.posting_banned" => t_string!(i18n, errors.posting_banned).to_string(),
        "errors.new_account_limit" => t_string!(i18n, errors.new_account_limit).to_string(),
        "errors.posting_too_fast" => t_string!(i18n, errors.posting_too_fast).to_string(),
        "errors.reply_to_hidden" => t_string!(i18n, errors.reply_to_hidden).to_string(),
        "errors.hidden_by_moderation" => t_string!(i18n, errors.hidden_by_moderation).to_string(),
        "errors.choose_reason" => t_string!(i18n, errors.choose_reason).to_string(),
        "errors.flag_detail_required" => t_string!(i18n, errors.flag_detail_required).to_string(),
        "errors.text_too_long" => t_string!(i18n, errors.text_too_long).to_string(),
        "errors.flag_own" => t_string!(i18n, errors.flag_own).to_string(),
        "errors.already_flagged" => t_string!(i18n, errors.already_flagged).to_string(),
        "errors.choose_decision" => t_string!(i18n, errors.choose_decision).to_string(),
        "errors.choose_items" => t_string!(i18n, errors.choose_items).to_string(),
        "errors.decision_not_applicable" => {
            t_string!(i18n, errors.decision_not_applicable).to_string()
        }
        "errors.passage_not_found" => t_string!(i18n, errors.passage_not_found).to_string(),
        "errors.not_appealable" => t_string!(i18n, errors.not_appealable).to_string(),
        "errors.already_appealed" => t_string!(i18n, errors.already_appealed).to_string(),
        "errors.appeal_needs_other_moderator" => {
            t_string!(i18n, errors.appeal_needs_other_moderator).to_string()
        }
        "errors.choose_sanction" => t_string!(i18n, errors.choose_sanction).to_string(),
        "errors.suspension_days" => t_string!(i18n, errors.suspension_days).to_string(),
        "errors.survey_choice_twice" => t_string!(i18n, errors.survey_choice_twice).to_string(),
        "errors.survey_closes_before_opening" => {
            t_string!(i18n, errors.survey_closes_before_opening).to_string()
        }
        "errors.survey_condition_depends" => {
            t_string!(i18n, errors.survey_condition_depends).to_string()
        }
        "errors.survey_condition_one_question" => {
            t_string!(i18n, errors.survey_condition_one_question).to_string()
        }
        "errors.survey_condition_order" => {
            t_string!(i18n, errors.survey_condition_order).to_string()
        }
        "errors.survey_date_invalid" => t_string!(i18n, errors.survey_date_invalid).to_string(),
        "errors.survey_datetime_invalid" => {
            t_string!(i18n, errors.survey_datetime_invalid).to_string()
        }
        "errors.survey_hidden_question" => {
            t_string!(i18n, errors.survey_hidden_question).to_string()
        }
        "errors.survey_locked" => t_string!(i18n, errors.survey_locked).to_string(),
        "errors.survey_closed_for_good" => {
            t_string!(i18n, errors.survey_closed_for_good).to_string()
        }
        "errors.survey_no_question" => t_string!(i18n, errors.survey_no_question).to_string(),
        "errors.survey_number_invalid" => t_string!(i18n, errors.survey_number_invalid).to_string(),
        "errors.survey_other_empty" => t_string!(i18n, errors.survey_other_empty).to_string(),
        "errors.survey_out_of_range" => t_string!(i18n, errors.survey_out_of_range).to_string(),
        "errors.survey_ranking_invalid" => {
            t_string!(i18n, errors.survey_ranking_invalid).to_string()
        }
        "errors.survey_tampered" => t_string!(i18n, errors.survey_tampered).to_string(),
        "errors.survey_too_few" => t_string!(i18n, errors.survey_too_few).to_string(),
        "errors.survey_too_many" => t_string!(i18n, errors.survey_too_many).to_string(),
        "errors.survey_too_many_choices" => {
            t_string!(i18n, errors.survey_too_many_choices).to_string()
        }
        "errors.survey_two_choices" => t_string!(i18n, errors.survey_two_choices).to_string(),
        "errors.survey_already_answered" => {
            t_string!(i18n, errors.survey_already_answered).to_string()
        }
        "errors.address_invalid" => t_string!(i18n, errors.address_invalid).to_string(),
        "errors.agent_unknown" => t_string!(i18n, errors.agent_unknown).to_string(),
        "errors.condition_invalid" => t_string!(i18n, errors.condition_invalid).to_string(),
        "errors.date_invalid" => t_string!(i18n, errors.date_invalid).to_string(),
        "errors.field_condition_order" => t_string!(i18n, errors.field_condition_order).to_string(),
        "errors.file_empty" => t_string!(i18n, errors.file_empty).to_string(),
        "errors.file_too_large" => t_string!(i18n, errors.file_too_large).to_string(),
        "errors.file_type" => t_string!(i18n, errors.file_type).to_string(),
        "errors.too_many_files" => t_string!(i18n, errors.too_many_files).to_string(),
        "errors.upload_quota" => t_string!(i18n, errors.upload_quota).to_string(),
        "errors.number_invalid" => t_string!(i18n, errors.number_invalid).to_string(),
        "errors.options_needed" => t_string!(i18n, errors.options_needed).to_string(),
        "errors.phone_invalid" => t_string!(i18n, errors.phone_invalid).to_string(),
        "errors.request_closed" => t_string!(i18n, errors.request_closed).to_string(),
        "errors.request_contact_required" => {
            t_string!(i18n, errors.request_contact_required).to_string()
        }
        "errors.request_hidden_field" => t_string!(i18n, errors.request_hidden_field).to_string(),
        "errors.request_move_invalid" => t_string!(i18n, errors.request_move_invalid).to_string(),
        "errors.request_not_cancellable" => {
            t_string!(i18n, errors.request_not_cancellable).to_string()
        }
        "errors.request_not_editable" => t_string!(i18n, errors.request_not_editable).to_string(),
        "errors.request_reason_required" => {
            t_string!(i18n, errors.request_reason_required).to_string()
        }
        "errors.retention_invalid" => t_string!(i18n, errors.retention_invalid).to_string(),
        "errors.slug_invalid" => t_string!(i18n, errors.slug_invalid).to_string(),
        "errors.slug_taken" => t_string!(i18n, errors.slug_taken).to_string(),
        "errors.decision_conflict" => t_string!(i18n, errors.decision_conflict).to_string(),
        other => crate::appointments::components::error_text(other)
            .or_else(|| crate::privacy::pages::error_text(other))
            .unwrap_or_else(|| t_string!(i18n, errors.invalid).to_string()),
    }
}

/// The message shown above a form for an error that is not about one of its fields.
pub fn form_error_text(error: &AppError, fields: &[&str]) -> Option<String> {
    let i18n = use_i18n();
    Some(match error {
        AppError::Validation(map) => {
            let other: Vec<String> = map
                .iter()
                .filter(|(field, _)| !fields.contains(&field.as_str()))
                .flat_map(|(_, keys)| keys.iter().map(|k| error_text(k)))
                .collect();
            if other.is_empty() {
                t_string!(i18n, errors.invalid).to_string()
            } else {
                other.join(" ")
            }
        }
        AppError::RateLimited => t_string!(i18n, errors.rate_limited).to_string(),
        AppError::Unauthenticated => t_string!(i18n, errors.unauthenticated).to_string(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_string(),
        AppError::NotFound => t_string!(i18n, errors.not_found).to_string(),
        AppError::Closed => t_string!(i18n, errors.closed).to_string(),
        AppError::Conflict(key) if key.starts_with("errors.") => error_text(key),
        AppError::Conflict(_) => t_string!(i18n, errors.conflict).to_string(),
        AppError::Transport => t_string!(i18n, errors.transport).to_string(),
        AppError::Busy => t_string!(i18n, errors.busy).to_string(),
        AppError::Internal => t_string!(i18n, errors.internal).to_string(),
    })
}
