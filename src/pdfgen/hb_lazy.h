/* pdfgen/hb_lazy.h — HarfBuzz and its subsetter, loaded when a font is first opened for embedding
 * (util/dynlib.h), so that reading and verifying PDFs does not load HarfBuzz, FreeType and GLib
 * at start-up. embed_font.c includes it in place of the HarfBuzz headers; ks_pdf_font_open
 * loads the library before its first hb_ call, and every other hb_ call works on a font that
 * ks_pdf_font_open made. */
#ifndef KYSO_PDF_HB_LAZY_H
#define KYSO_PDF_HB_LAZY_H

#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>

#include "dynlib.h"

#define KS_HB_SYMBOLS(X)                                                                           \
    X(hb_blob_create)                                                                              \
    X(hb_blob_destroy)                                                                             \
    X(hb_blob_get_data)                                                                            \
    X(hb_blob_get_length)                                                                          \
    X(hb_buffer_add_utf8)                                                                          \
    X(hb_buffer_allocation_successful)                                                             \
    X(hb_buffer_create)                                                                            \
    X(hb_buffer_destroy)                                                                           \
    X(hb_buffer_get_glyph_infos)                                                                   \
    X(hb_buffer_get_glyph_positions)                                                               \
    X(hb_buffer_guess_segment_properties)                                                          \
    X(hb_buffer_set_direction)                                                                     \
    X(hb_buffer_set_language)                                                                      \
    X(hb_buffer_set_script)                                                                        \
    X(hb_face_create)                                                                              \
    X(hb_face_destroy)                                                                             \
    X(hb_face_get_glyph_count)                                                                     \
    X(hb_face_get_upem)                                                                            \
    X(hb_face_reference_blob)                                                                      \
    X(hb_face_reference_table)                                                                     \
    X(hb_font_create)                                                                              \
    X(hb_font_destroy)                                                                             \
    X(hb_font_get_glyph_h_advance)                                                                 \
    X(hb_font_set_scale)                                                                           \
    X(hb_language_from_string)                                                                     \
    X(hb_ot_metrics_get_position)                                                                  \
    X(hb_ot_name_get_utf8)                                                                         \
    X(hb_set_add)                                                                                  \
    X(hb_shape)                                                                                    \
    X(hb_subset_input_create_or_fail)                                                              \
    X(hb_subset_input_destroy)                                                                     \
    X(hb_subset_input_glyph_set)                                                                   \
    X(hb_subset_input_set)                                                                         \
    X(hb_subset_input_set_flags)                                                                   \
    X(hb_subset_or_fail)
KS_DL_DECLARE(ks_hb, KS_HB_SYMBOLS);

#define hb_blob_create KS_DL_FN(ks_hb, hb_blob_create)
#define hb_blob_destroy KS_DL_FN(ks_hb, hb_blob_destroy)
#define hb_blob_get_data KS_DL_FN(ks_hb, hb_blob_get_data)
#define hb_blob_get_length KS_DL_FN(ks_hb, hb_blob_get_length)
#define hb_buffer_add_utf8 KS_DL_FN(ks_hb, hb_buffer_add_utf8)
#define hb_buffer_allocation_successful KS_DL_FN(ks_hb, hb_buffer_allocation_successful)
#define hb_buffer_create KS_DL_FN(ks_hb, hb_buffer_create)
#define hb_buffer_destroy KS_DL_FN(ks_hb, hb_buffer_destroy)
#define hb_buffer_get_glyph_infos KS_DL_FN(ks_hb, hb_buffer_get_glyph_infos)
#define hb_buffer_get_glyph_positions KS_DL_FN(ks_hb, hb_buffer_get_glyph_positions)
#define hb_buffer_guess_segment_properties KS_DL_FN(ks_hb, hb_buffer_guess_segment_properties)
#define hb_buffer_set_direction KS_DL_FN(ks_hb, hb_buffer_set_direction)
#define hb_buffer_set_language KS_DL_FN(ks_hb, hb_buffer_set_language)
#define hb_buffer_set_script KS_DL_FN(ks_hb, hb_buffer_set_script)
#define hb_face_create KS_DL_FN(ks_hb, hb_face_create)
#define hb_face_destroy KS_DL_FN(ks_hb, hb_face_destroy)
#define hb_face_get_glyph_count KS_DL_FN(ks_hb, hb_face_get_glyph_count)
#define hb_face_get_upem KS_DL_FN(ks_hb, hb_face_get_upem)
#define hb_face_reference_blob KS_DL_FN(ks_hb, hb_face_reference_blob)
#define hb_face_reference_table KS_DL_FN(ks_hb, hb_face_reference_table)
#define hb_font_create KS_DL_FN(ks_hb, hb_font_create)
#define hb_font_destroy KS_DL_FN(ks_hb, hb_font_destroy)
#define hb_font_get_glyph_h_advance KS_DL_FN(ks_hb, hb_font_get_glyph_h_advance)
#define hb_font_set_scale KS_DL_FN(ks_hb, hb_font_set_scale)
#define hb_language_from_string KS_DL_FN(ks_hb, hb_language_from_string)
#define hb_ot_metrics_get_position KS_DL_FN(ks_hb, hb_ot_metrics_get_position)
#define hb_ot_name_get_utf8 KS_DL_FN(ks_hb, hb_ot_name_get_utf8)
#define hb_set_add KS_DL_FN(ks_hb, hb_set_add)
#define hb_shape KS_DL_FN(ks_hb, hb_shape)
#define hb_subset_input_create_or_fail KS_DL_FN(ks_hb, hb_subset_input_create_or_fail)
#define hb_subset_input_destroy KS_DL_FN(ks_hb, hb_subset_input_destroy)
#define hb_subset_input_glyph_set KS_DL_FN(ks_hb, hb_subset_input_glyph_set)
#define hb_subset_input_set KS_DL_FN(ks_hb, hb_subset_input_set)
#define hb_subset_input_set_flags KS_DL_FN(ks_hb, hb_subset_input_set_flags)
#define hb_subset_or_fail KS_DL_FN(ks_hb, hb_subset_or_fail)

#endif
